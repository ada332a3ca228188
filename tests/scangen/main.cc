// adbridge-scangen: draws blank reference images of form definitions and writes filled-in,
// faulty scans with their ground truth. Run without arguments for usage.
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <leptonica/allheaders.h>

#include "models/form_definition.h"
#include "models/status.h"
#include "tests/scangen/scangen.h"

namespace {

namespace fs = std::filesystem;
using adbridge::Result;
using adbridge::Status;
using namespace adbridge::scangen;

constexpr std::string_view kUsage = R"(usage:
  adbridge-scangen blank FORM.json... [--dpi 300] [--out-dir DIR]
      Draws each form's blank pages as DIR/<id>.p<N>.png (8-bit grey, dpi recorded).
      DIR defaults to the folder of each FORM.json.
  adbridge-scangen fill FORM.json... --count N --out DIR [options]
      Writes N filled-in scans (forms taken in turn) and appends DIR/truth.jsonl.
      --seed S                 random seed (default 1); the same seed gives the same bytes
      --style printed|handwriting|mixed          (default mixed: each document one or other)
      --format png|jpeg|tiff|mixed               (default png; multi-page forms are always TIFF)
      --dpi D | A-B            scan resolution, 150..400 (default 300)
      --rotate-max DEG         rotation uniform in [-DEG, DEG], DEG <= 3 (default 0)
      --scale-jitter J         scale uniform in [1-J, 1+J], J <= 0.1 (default 0)
      --offset-max-mm M        shift on the glass, each axis in [-M, M], M <= 20 (default 0)
      --blur S | A-B           gaussian blur sigma in pixels, 0..2 (default 0)
      --noise S | A-B          noise sigma in grey levels (with speckle), 0..64 (default 0)
      --jpeg-quality Q | A-B   JPEG quality the pixels go through, 1..100 (default: none;
                               85 for --format jpeg)
      --turn180-rate P         share of pages fed upside down, 0..1 (default 0)
)";

class UsageError : public std::exception {
 public:
  explicit UsageError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

double ParseNumber(std::string_view flag, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw UsageError(std::string(flag) + ": not a number: " + std::string(text));
  }
  return value;
}

// "200" or "150-400".
Range ParseRange(std::string_view flag, std::string_view text, double lo, double hi) {
  Range r;
  const auto dash = text.find('-', 1);
  if (dash == std::string_view::npos) {
    r.lo = r.hi = ParseNumber(flag, text);
  } else {
    r.lo = ParseNumber(flag, text.substr(0, dash));
    r.hi = ParseNumber(flag, text.substr(dash + 1));
  }
  if (r.lo > r.hi || r.lo < lo || r.hi > hi) {
    std::ostringstream message;
    message << flag << ": " << text << " is outside " << lo << ".." << hi;
    throw UsageError(message.str());
  }
  return r;
}

double ParseBounded(std::string_view flag, std::string_view text, double lo, double hi) {
  const Range r = ParseRange(flag, text, lo, hi);
  if (r.lo != r.hi) throw UsageError(std::string(flag) + " takes one value, not a range");
  return r.lo;
}

Result<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::NotFound("ファイルを読めません: " + file.string(),
                            "cannot read " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int Fail(const Status& status) {
  std::cerr << "adbridge-scangen: " << status.message() << "\n";
  return 1;
}

int RunBlank(const std::vector<std::string>& args) {
  std::vector<fs::path> forms;
  int dpi = kReferenceDpi;
  std::optional<fs::path> out_dir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    if (a == "--dpi") {
      dpi = static_cast<int>(ParseBounded(a, value(), 72, 1200));
    } else if (a == "--out-dir") {
      out_dir = fs::path(value());
    } else if (a.starts_with("--")) {
      throw UsageError("unknown option " + a);
    } else {
      forms.emplace_back(a);
    }
  }
  if (forms.empty()) throw UsageError("blank needs at least one FORM.json");
  Result<Fonts> fonts = Fonts::Load();
  if (!fonts.ok()) return Fail(fonts.status());
  for (const fs::path& file : forms) {
    Result<std::string> text = ReadFile(file);
    if (!text.ok()) return Fail(text.status());
    // The references are what this command draws: they need not exist yet.
    Result<adbridge::models::FormDefinition> form = adbridge::models::ParseFormDefinition(
        *text, file.filename().string(), file.parent_path(), /*check_references=*/false);
    if (!form.ok()) return Fail(form.status());
    const fs::path dir = out_dir.value_or(file.parent_path().empty() ? fs::path(".") : file.parent_path());
    std::error_code ec;
    fs::create_directories(dir, ec);
    Result<std::vector<fs::path>> written = WriteBlankImages(*form, dpi, dir, *fonts);
    if (!written.ok()) return Fail(written.status());
    for (const fs::path& p : *written) std::cout << p.string() << "\n";
  }
  return 0;
}

int RunFill(const std::vector<std::string>& args) {
  std::vector<fs::path> form_files;
  FillOptions options;
  bool have_count = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    if (a == "--count") {
      options.count = static_cast<int>(ParseBounded(a, value(), 1, 1000000));
      have_count = true;
    } else if (a == "--out") {
      options.out_dir = value();
    } else if (a == "--seed") {
      const std::string& v = value();
      std::uint64_t seed = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seed);
      if (ec != std::errc() || end != v.data() + v.size()) throw UsageError("--seed: not a number: " + v);
      options.seed = seed;
    } else if (a == "--style") {
      const std::string& v = value();
      if (v == "printed") options.style = StyleChoice::kPrinted;
      else if (v == "handwriting") options.style = StyleChoice::kHandwriting;
      else if (v == "mixed") options.style = StyleChoice::kMixed;
      else throw UsageError("--style: printed, handwriting or mixed, not " + v);
    } else if (a == "--format") {
      const std::string& v = value();
      if (v == "png") options.format = FormatChoice::kPng;
      else if (v == "jpeg" || v == "jpg") options.format = FormatChoice::kJpeg;
      else if (v == "tiff" || v == "tif") options.format = FormatChoice::kTiff;
      else if (v == "mixed") options.format = FormatChoice::kMixed;
      else throw UsageError("--format: png, jpeg, tiff or mixed, not " + v);
    } else if (a == "--dpi") {
      options.faults.dpi = ParseRange(a, value(), 150, 400);
    } else if (a == "--rotate-max") {
      options.faults.rotate_max_deg = ParseBounded(a, value(), 0, 3);
    } else if (a == "--scale-jitter") {
      options.faults.scale_jitter = ParseBounded(a, value(), 0, 0.1);
    } else if (a == "--offset-max-mm") {
      options.faults.offset_max_mm = ParseBounded(a, value(), 0, 20);
    } else if (a == "--blur") {
      options.faults.blur = ParseRange(a, value(), 0, 2);
    } else if (a == "--noise") {
      options.faults.noise = ParseRange(a, value(), 0, 64);
    } else if (a == "--jpeg-quality") {
      options.faults.jpeg_quality = ParseRange(a, value(), 1, 100);
    } else if (a == "--turn180-rate") {
      options.faults.turn180_rate = ParseBounded(a, value(), 0, 1);
    } else if (a.starts_with("--")) {
      throw UsageError("unknown option " + a);
    } else {
      form_files.emplace_back(a);
    }
  }
  if (form_files.empty()) throw UsageError("fill needs at least one FORM.json");
  if (!have_count) throw UsageError("fill needs --count N");
  if (options.out_dir.empty()) throw UsageError("fill needs --out DIR");

  std::vector<adbridge::models::FormDefinition> forms;
  for (const fs::path& file : form_files) {
    Result<adbridge::models::FormDefinition> form = adbridge::models::LoadFormDefinition(file);
    if (!form.ok()) return Fail(form.status());
    forms.push_back(std::move(*form));
  }
  Result<ScanGenerator> generator = ScanGenerator::Create();
  if (!generator.ok()) return Fail(generator.status());
  const bool terminal = isatty(STDOUT_FILENO) != 0;
  const Status status = generator->Fill(forms, options, terminal ? &std::cout : nullptr);
  if (!status.ok()) return Fail(status);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  adbridge::SetDefaultLangFromEnvironment();
  setMsgSeverity(L_SEVERITY_ERROR);
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "blank") return RunBlank(rest);
    if (args[0] == "fill") return RunFill(rest);
    throw UsageError("unknown command " + args[0]);
  } catch (const UsageError& e) {
    std::cerr << "adbridge-scangen: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "adbridge-scangen: " << e.what() << "\n";
    return 1;
  }
}
