// adbridge serve [--port P] [--bind ADDR] [--jobs N] [--lease-minutes M] [--gold-percent R]
//                [--watch DIR [--tenant T]] [--session-hours H] [--tls-cert FILE --tls-key FILE]
#include <pthread.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ocr/form_library.h"
#include "ocr/processor.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/http_server.h"
#include "server/json_lines.h"
#include "server/watch_folder.h"

namespace adbridge::server {
namespace {

// Runs `work` on a thread of its own, again `period` after each run ends, until destroyed (which
// waits for a run under way).
class Repeating {
 public:
  Repeating(std::chrono::seconds period, std::function<void()> work)
      : period_(period), work_(std::move(work)), thread_([this] { Run(); }) {}
  ~Repeating() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      work_();
      lock.lock();
      cv_.wait_for(lock, period_, [&] { return stop_; });
    }
  }

  const std::chrono::seconds period_;
  const std::function<void()> work_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: started once everything it uses is set
};

// Reads documents that arrive while the server runs: every few seconds, whatever is waiting
// is read by ocr::ProcessWaitingDocuments, as `adbridge process` would. Reading failures are
// the documents' own (recorded by the processor); a store error is reported and retried.
class BackgroundReader {
 public:
  BackgroundReader(DataDir& data, int jobs, std::ostream& out, std::ostream& err)
      : data_(data), jobs_(jobs), out_(out), err_(err) {
    if (jobs_ > 0) {
      thread_.emplace(std::chrono::seconds(3), [this] {
        Status status = Pass();
        if (!status.ok()) err_ << "adbridge serve: " << status.message() << std::endl;
      });
    }
  }

 private:
  Status Pass() {
    ADB_ASSIGN_OR_RETURN(std::vector<models::Document> waiting,
                         data_.store->ListDocuments(models::DocumentState::kReceived));
    if (waiting.empty()) return Status::Ok();
    ADB_ASSIGN_OR_RETURN(std::vector<models::FormRecord> forms, data_.store->ListForms());
    if (forms.empty()) return Status::Ok();  // nothing to read them against yet
    ADB_ASSIGN_OR_RETURN(std::unique_ptr<ocr::FormLibrary> library,
                         ocr::FormLibrary::Load(*data_.store, data_.blobs));
    ocr::ProcessOptions options;
    options.jobs = jobs_;
    ADB_ASSIGN_OR_RETURN(
        ocr::ProcessSummary summary,
        ocr::ProcessWaitingDocuments(*data_.store, data_.blobs, *library, options));
    PrintJsonLine(out_, {{"read",
                          {{"documents", summary.documents},
                           {"fields", summary.fields},
                           {"auto_accepted", summary.auto_accepted},
                           {"failed", summary.failed}}}});
    return Status::Ok();
  }

  DataDir& data_;
  const int jobs_;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<Repeating> thread_;  // last: stopped first
};

// Takes scans from the folder given with --watch: one look a second (see WatchFolder), progress
// on stderr.
class FolderWatcher {
 public:
  FolderWatcher(DataDir& data, WatchOptions options, std::ostream& err)
      : watch_(*data.store, data.blobs, std::move(options), err),
        thread_(std::chrono::seconds(1), [this, &err] {
          Result<WatchLook> look = watch_.Look(std::chrono::steady_clock::now());
          if (!look.ok()) err << "adbridge serve --watch: " << look.status().message() << std::endl;
        }) {}

 private:
  WatchFolder watch_;
  Repeating thread_;  // last: stopped first
};

std::optional<long> WholeNumber(const std::string& text, long min, long max) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

int Usage(std::ostream& err, const std::string& ja, const std::string& en) {
  err << "adbridge: " << (DefaultLang() == Lang::kJa ? ja : en) << "\n";
  return kExitUsage;
}

int Serve(Invocation& in) {
  HttpServerOptions options;
  options.bind = in.Get("--bind").value_or("127.0.0.1");
  int jobs = 1;
  if (auto port = in.Get("--port")) {
    auto value = WholeNumber(*port, 0, 65535);
    if (!value) return Usage(in.err, "--port は 0〜65535 です", "--port is 0 to 65535");
    options.port = static_cast<int>(*value);
  }
  if (auto text = in.Get("--jobs")) {
    auto value = WholeNumber(*text, 0, 64);
    if (!value) return Usage(in.err, "--jobs は 0〜64 です", "--jobs is 0 to 64");
    jobs = static_cast<int>(*value);
  }
  if (auto text = in.Get("--lease-minutes")) {
    auto value = WholeNumber(*text, 1, 24 * 60);
    if (!value) {
      return Usage(in.err, "--lease-minutes は 1〜1440 です", "--lease-minutes is 1 to 1440");
    }
    options.api.queue.lease_seconds = static_cast<int>(*value) * 60;
  }
  if (auto text = in.Get("--gold-percent")) {
    auto value = WholeNumber(*text, 0, 100);
    if (!value) {
      return Usage(in.err, "--gold-percent は 0〜100 です", "--gold-percent is 0 to 100");
    }
    options.api.queue.gold_rate = static_cast<double>(*value) / 100.0;
  }

  if (auto text = in.Get("--session-hours")) {
    auto value = WholeNumber(*text, 1, 24 * 7);
    if (!value) {
      return Usage(in.err, "--session-hours は 1〜168 です", "--session-hours is 1 to 168");
    }
    options.api.session_seconds = static_cast<int>(*value) * 3600;
  }

  if (in.Has("--tls-cert") || in.Has("--tls-key")) {
    options.tls_cert = in.Get("--tls-cert").value_or("");
    options.tls_key = in.Get("--tls-key").value_or("");
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return Usage(in.err, "--tls-cert と --tls-key は両方とも指定します",
                   "give both --tls-cert and --tls-key");
    }
  }

  // SIGINT and SIGTERM are waited for below; every thread started from here inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::optional<WatchOptions> watch;
  if (auto dir = in.Get("--watch")) {
    std::error_code ec;
    if (dir->empty() || !std::filesystem::is_directory(*dir, ec)) {
      return Usage(in.err, "--watch はあるフォルダです: " + *dir,
                   "--watch must be an existing folder: " + *dir);
    }
    watch.emplace();
    watch->dir = *dir;
  } else if (in.Has("--tenant")) {
    return Usage(in.err, "--tenant は --watch と使います", "--tenant goes with --watch");
  }

  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  if (auto tenant = in.Get("--tenant")) {
    ADB_ASSIGN_OR_RETURN_EXIT(models::Tenant t, data.store->GetTenant(*tenant), in.err);
    watch->tenant_code = t.code;
  }
  ADB_ASSIGN_OR_RETURN_EXIT(std::unique_ptr<HttpServer> server,
                            HttpServer::Start(*data.store, data.blobs, options), in.err);
  PrintJsonLine(in.out,
                {{"serving", (options.tls_cert.empty() ? "http://" : "https://") + options.bind + ":" + std::to_string(server->port()) + "/"},
                 {"port", server->port()},
                 {"background_jobs", jobs},
                 {"watching", watch ? nlohmann::ordered_json(watch->dir.string()) : nlohmann::ordered_json(nullptr)}});
  {
    BackgroundReader reader(data, jobs, in.out, in.err);
    std::optional<FolderWatcher> watcher;
    if (watch) watcher.emplace(data, *watch, in.err);
    int received = 0;
    sigwait(&signals, &received);
  }
  server->Stop();
  PrintJsonLine(in.out, {{"stopped", true}});
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ServeCommands() {
  return {
      {{"serve"},
       "",
       {"HTTP サーバーと画面を動かし、届いた文書を裏で読み取る (Ctrl+C で止める)",
        "run the HTTP server and web pages, and read new documents in the background "
        "(stop with Ctrl+C)"},
       {{"--port",
         "P",
         {"待ち受けるポート (既定 8080、0 は空いているもの)",
          "the port to listen on (default 8080; 0 for any free one)"}},
        {"--bind",
         "ADDR",
         {"待ち受けるアドレス (既定 127.0.0.1)", "the address to listen on (default 127.0.0.1)"}},
        {"--jobs",
         "N",
         {"裏で同時に読み取る数 (既定 1、0 で読み取らない)",
          "documents read at once in the background (default 1; 0: none)"}},
        {"--lease-minutes",
         "M",
         {"確認作業を預ける時間 (既定 10 分)",
          "how long a reviewer holds a task (default 10 minutes)"}},
        {"--gold-percent",
         "R",
         {"正解既知の作業を混ぜる割合 % (既定 0)",
          "percent of claims given a known-answer task (default 0)"}},
        {"--session-hours",
         "H",
         {"ログインが続く時間 (既定 12 時間。過ぎたらログインし直す)",
          "how long a login lasts (default 12 hours; then log in again)"}},
        {"--tls-cert",
         "FILE",
         {"HTTPS で待ち受ける証明書 (PEM、中間証明書を続けてよい)。--tls-key と使う",
          "serve HTTPS with this certificate (PEM, chain may follow); goes with --tls-key"}},
        {"--tls-key",
         "FILE",
         {"--tls-cert の証明書の秘密鍵 (PEM)", "the private key of --tls-cert's certificate (PEM)"}},
        {"--watch",
         "DIR",
         {"スキャナーが書き込むフォルダからもスキャンを取り込む (書き終わったものだけ。"
          "取り込んだら DIR/done/ へ、同じものは DIR/duplicates/ へ、画像でないものは "
          "DIR/failed/ へ移す)",
          "also take scans from a folder the scanner writes to (complete files only; moved to "
          "DIR/done/ once stored, DIR/duplicates/ when already stored, DIR/failed/ when not an "
          "image)"}},
        {"--tenant",
         "CODE",
         {"--watch で取り込む文書の自治体 (既定: default)",
          "the municipality of the documents --watch takes (default: default)"}}},
       0,
       0,
       Serve}};
}

}  // namespace adbridge::server
