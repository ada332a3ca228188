#include "bench/review/seeding.h"

#include <png.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <utility>

#include "bench/seed_data_dir.h"
#include "ingest/form_registry.h"
#include "models/blob_store.h"
#include "models/field_types.h"
#include "models/store.h"

namespace adbridge::bench {
namespace {

namespace fs = std::filesystem;

// What the fake reading says a person must look at (the store keeps it in Japanese).
constexpr char kReviewReason[] = "確信度が低い（ベンチマークの種データ）";
// The worker name the seed claims documents under, as an OCR worker would.
constexpr char kSeedWorker[] = "adbridge-review-seed";
// A scan at 300 dpi: the page size the fake documents claim (nobody decodes them).
constexpr double kDpi = 300;

constexpr std::array<const char*, 8> kNames = {"山田 太郎", "鈴木 花子", "佐藤 一郎",
                                               "高橋 美咲", "田中 健",   "伊藤 さくら",
                                               "渡辺 浩",   "中村 恵子"};
constexpr std::array<const char*, 8> kKana = {
    "ヤマダ タロウ", "スズキ ハナコ", "サトウ イチロウ", "タカハシ ミサキ",
    "タナカ ケン",   "イトウ サクラ", "ワタナベ ヒロシ", "ナカムラ ケイコ"};
constexpr std::array<const char*, 4> kPlaces = {"長野県塩尻市大門七番町", "長野県塩尻市広丘野村",
                                                "長野県塩尻市大小屋", "長野県塩尻市洗馬"};

std::string Padded(std::int64_t n, int width) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<std::size_t>(width - static_cast<int>(digits.size())), '0');
  }
  return digits.substr(digits.size() - static_cast<std::size_t>(width));
}

// Digits of `length` that step with i; with a check rule, the check digit is searched for
// rather than computed, so this stays right whatever the rule's arithmetic.
std::optional<std::string> SampleDigits(const models::FieldDefinition& field, std::int64_t i) {
  const int length = field.length.value_or(8);
  if (length <= 0 || length > 18) return std::nullopt;
  std::string digits = Padded(1000003 * (i + 1), length);
  if (!field.check) return digits;
  // My Number checks with its last digit, a corporate number with its first.
  const std::size_t at = *field.check == models::CheckRule::kMyNumber ? digits.size() - 1 : 0;
  for (char d = '0'; d <= '9'; ++d) {
    digits[at] = d;
    if (models::Validate(field, digits).ok()) return digits;
  }
  return std::nullopt;
}

std::string SampleDate(std::int64_t i) {
  using namespace std::chrono;
  const sys_days day = sys_days(year{1940} / January / 1) + days(i % 25000);
  const year_month_day ymd(day);
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

std::optional<std::string> Candidate(const models::FieldDefinition& field, std::int64_t i) {
  const std::size_t k = static_cast<std::size_t>(i);
  switch (field.type) {
    case models::FieldType::kText:
      if (field.name.find("address") != std::string::npos) {
        return std::string(kPlaces[k % kPlaces.size()]) + std::to_string(1 + i % 900) + "番地";
      }
      return std::string(kNames[k % kNames.size()]);
    case models::FieldType::kKana:
      return std::string(kKana[k % kKana.size()]);
    case models::FieldType::kDigits:
      return SampleDigits(field, i);
    case models::FieldType::kInteger: {
      const long long low = field.min.value_or(1);
      const long long high = field.max.value_or(low + 49);
      if (high < low) return std::nullopt;
      return std::to_string(low + static_cast<long long>(i % (high - low + 1)));
    }
    case models::FieldType::kDate:
      return SampleDate(i);
    case models::FieldType::kPostalCode:
      return "390-" + Padded(i % 10000, 4);
    case models::FieldType::kPhone:
      return "0263" + Padded(i % 1000000, 6);
    case models::FieldType::kCheckbox:
      return field.required || i % 2 == 0 ? "true" : "false";
    case models::FieldType::kChoice:
      if (field.options.empty()) return std::nullopt;
      return field.options[k % field.options.size()].value;
  }
  return std::nullopt;
}

// A greyscale PNG of `pixels` (width × height, row by row). libpng's simplified API reports
// errors in the image struct instead of jumping out of a callback.
Result<std::vector<std::uint8_t>> EncodeGreyPng(std::span<const std::uint8_t> pixels, int width,
                                                int height) {
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr) == 0) {
    return Status::Internal("PNG を作れません",
                            std::string("cannot encode a PNG: ") + image.message);
  }
  std::vector<std::uint8_t> bytes(size);
  if (png_image_write_to_memory(&image, bytes.data(), &size, 0, pixels.data(), 0, nullptr) == 0) {
    return Status::Internal("PNG を作れません",
                            std::string("cannot encode a PNG: ") + image.message);
  }
  bytes.resize(size);
  return bytes;
}

// A field snippet stand-in: light paper with dark strokes, the size of a cut-out text field.
Result<std::vector<std::uint8_t>> SnippetPng() {
  constexpr int kWidth = 480, kHeight = 64;
  std::vector<std::uint8_t> pixels(kWidth * kHeight, 235);
  for (int y = 16; y < 48; ++y) {
    for (int x = 24; x < kWidth - 24; ++x) {
      if ((x / 6 + y / 4) % 5 == 0) pixels[y * kWidth + x] = 40;
    }
  }
  return EncodeGreyPng(pixels, kWidth, kHeight);
}

// The fake original of document `i`: a 16 × 16 PNG whose pixels spell the run's nonce and
// i, so every document of every seed run is a different file (the store keeps one document
// per original).
Result<std::vector<std::uint8_t>> OriginalPng(std::uint64_t nonce, std::int64_t i) {
  std::vector<std::uint8_t> pixels(16 * 16, 255);
  for (int b = 0; b < 8; ++b) {
    pixels[b] = static_cast<std::uint8_t>(nonce >> (8 * b));
    pixels[8 + b] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(i) >> (8 * b));
  }
  return EncodeGreyPng(pixels, 16, 16);
}

Result<std::string> PutBlob(models::Store& store, const models::BlobStore& blobs,
                            std::span<const std::uint8_t> bytes) {
  ADB_ASSIGN_OR_RETURN(std::string sha, blobs.Put(bytes));
  ADB_RETURN_IF_ERROR(store.RecordBlob(sha, static_cast<std::int64_t>(bytes.size()), "image/png"));
  return sha;
}

struct SeedForm {
  ingest::RegisteredForm registered;
  int seeded_fields = 0;
};

// One document of `form`, claimed and read with every seeded field routed to review.
// Returns the number of tasks it opened.
Result<int> SeedDocument(models::Store& store, const models::BlobStore& blobs, const SeedForm& form,
                         std::uint64_t nonce, std::int64_t i,
                         const std::optional<std::string>& snippet,
                         std::map<std::string, std::int64_t>& tasks_by_type) {
  const models::FormDefinition& definition = form.registered.definition;
  ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> original, OriginalPng(nonce, i));
  ADB_ASSIGN_OR_RETURN(std::string original_sha, PutBlob(store, blobs, original));

  models::NewDocument document;
  document.source_name = "bench/seed-" + Padded(i + 1, 7) + ".png";
  document.original_sha256 = original_sha;
  document.media_type = "image/png";
  document.original_size = static_cast<std::int64_t>(original.size());
  document.form_id = form.registered.record.id;
  document.form_version = form.registered.record.version;
  for (const models::PageDefinition& page : definition.pages) {
    document.pages.push_back({static_cast<int>(page.width_mm / 25.4 * kDpi),
                              static_cast<int>(page.height_mm / 25.4 * kDpi),
                              static_cast<int>(kDpi)});
  }
  ADB_ASSIGN_OR_RETURN(models::DocumentInsert inserted, store.InsertDocument(document));
  if (inserted.duplicate) {
    return Status::AlreadyExists("種データの文書が重複しました: " + document.source_name,
                                 "a seeded document is a duplicate: " + document.source_name);
  }
  ADB_ASSIGN_OR_RETURN(std::optional<models::Document> claimed,
                       store.ClaimDocument(kSeedWorker, 3600));
  if (!claimed || claimed->id != inserted.document_id) {
    return Status::FailedPrecondition(
        "種データの文書ではなく別の文書が取得されました",
        "the worker claim returned another document than the seed's own");
  }

  models::DocumentReading reading;
  reading.document_id = inserted.document_id;
  reading.worker = kSeedWorker;
  reading.form_id = form.registered.record.id;
  reading.form_version = form.registered.record.version;
  for (std::size_t p = 0; p < definition.pages.size(); ++p) {
    reading.pages.push_back(
        {static_cast<int>(p), static_cast<int>(p) + 1, models::PageOutcome::kIdentified, ""});
  }
  int tasks = 0;
  for (const models::FieldDefinition& field : definition.fields) {
    models::DocumentReading::Field read;
    read.name = field.name;
    read.field_type = std::string(models::FieldTypeName(field.type));
    read.on_site_only = field.on_site_only;
    const std::optional<std::string> value = SampleValue(field, i);
    read.ocr_value = value.value_or("");
    if (SeedsTask(field) && value) {
      read.confidence = 0.5;
      read.auto_accept = false;
      read.task_kind = models::TaskKind::kField;
      read.review_reason = kReviewReason;
      read.snippet_sha256 = snippet;
      ++tasks;
      ++tasks_by_type[read.field_type];
    } else {
      read.confidence = 0.99;
      read.auto_accept = true;
    }
    reading.fields.push_back(std::move(read));
  }
  reading.detail_json = R"({"method":"adbridge-review-seed"})";
  ADB_RETURN_IF_ERROR(store.RecordReading(reading));
  return tasks;
}

}  // namespace

std::optional<std::string> SampleValue(const models::FieldDefinition& field, std::int64_t i) {
  std::optional<std::string> raw = Candidate(field, i);
  if (!raw) return std::nullopt;
  Result<std::string> normalized = models::NormalizeAndValidate(field, *raw);
  if (!normalized.ok()) return std::nullopt;
  return *normalized;
}

bool SeedsTask(const models::FieldDefinition& field) {
  return !field.on_site_only && !field.double_entry;
}

Result<SeedSummary> SeedReviewTasks(const SeedOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.forms.empty()) {
    return Status::InvalidArgument("様式がありません", "no form definition was given");
  }
  ADB_ASSIGN_OR_RETURN(SeedDataDir data, OpenSeedDataDir(options.data_dir, options.db));
  const std::unique_ptr<models::Store>& store = data.store;
  const models::BlobStore& blobs = data.blobs;

  std::vector<SeedForm> forms;
  for (const fs::path& file : options.forms) {
    ADB_ASSIGN_OR_RETURN(ingest::RegisteredForm registered,
                         ingest::RegisterFormFile(*store, blobs, file));
    SeedForm form{std::move(registered), 0};
    for (const models::FieldDefinition& field : form.registered.definition.fields) {
      if (SeedsTask(field) && SampleValue(field, 0)) ++form.seeded_fields;
    }
    if (form.seeded_fields == 0) {
      return Status::FailedPrecondition(
          file.string() + ": 審査タスクにできる項目がありません",
          file.string() + ": no field of the form can be seeded as a review task");
    }
    forms.push_back(std::move(form));
  }

  std::optional<std::string> snippet;
  if (options.snippets) {
    ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> png, SnippetPng());
    ADB_ASSIGN_OR_RETURN(snippet, PutBlob(*store, blobs, png));
  }
  const std::uint64_t nonce = std::random_device{}() * 0x100000001ull ^ std::random_device{}();

  SeedSummary summary;
  for (std::int64_t i = 0; summary.tasks < options.tasks; ++i) {
    const SeedForm& form = forms[static_cast<std::size_t>(i) % forms.size()];
    ADB_ASSIGN_OR_RETURN(
        int tasks, SeedDocument(*store, blobs, form, nonce, i, snippet, summary.tasks_by_type));
    ++summary.documents;
    summary.tasks += tasks;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace adbridge::bench
