#include "tests/output/pdf_test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/wechat_qrcode.hpp>
#include <random>
#include <regex>
#include <sstream>

namespace adbridge::testing {
namespace fs = std::filesystem;

ToolRun RunTool(const std::vector<std::string>& argv) {
  ToolRun run;
  int pipe_fds[2];
  if (argv.empty() || pipe(pipe_fds) != 0) return run;
  const pid_t pid = fork();
  if (pid < 0) return run;
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  char buffer[8192];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) run.out.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

Status WriteFile(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out.good()) return Status::Unavailable("書けません: " + path.string(), "cannot write " + path.string());
  return Status::Ok();
}

namespace {

Result<std::string> Run(const std::vector<std::string>& argv) {
  ToolRun run = RunTool(argv);
  if (run.exit_code != 0) {
    return Status::Internal(argv[0] + " が失敗しました (" + std::to_string(run.exit_code) + ")",
                            argv[0] + " failed (exit " + std::to_string(run.exit_code) +
                                (run.exit_code == 127 ? ": is poppler-utils installed?" : "") +
                                ")");
  }
  return run.out;
}

double Attribute(const std::string& tag, const std::string& name) {
  const std::size_t at = tag.find(" " + name + "=\"");
  if (at == std::string::npos) return 0;
  return std::stod(tag.substr(at + name.size() + 3));
}

std::string XmlText(std::string text) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (std::size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, std::string(from).size(), to);
  }
  return text;
}

}  // namespace

Result<std::string> PdfText(const fs::path& pdf, bool layout) {
  std::vector<std::string> argv = {"pdftotext", "-enc", "UTF-8"};
  if (layout) argv.push_back("-layout");
  argv.push_back(pdf.string());
  argv.push_back("-");
  return Run(argv);
}

Result<std::vector<PdfFont>> ReadPdfFonts(const fs::path& pdf) {
  ADB_ASSIGN_OR_RETURN(std::string out, Run({"pdffonts", pdf.string()}));
  // Columns: name type encoding emb sub uni object ID; the name and type may hold spaces, so
  // the yes/no columns are read from the right.
  std::vector<PdfFont> fonts;
  std::istringstream lines(out);
  std::string line;
  int row = 0;
  while (std::getline(lines, line)) {
    if (row++ < 2 || line.empty()) continue;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.size() < 7) continue;
    const std::size_t n = w.size();
    PdfFont font;
    font.name = w[0];
    font.embedded = w[n - 5] == "yes";
    font.subset = w[n - 4] == "yes";
    font.unicode = w[n - 3] == "yes";
    for (std::size_t i = 1; i + 6 < n; ++i) font.type += (i > 1 ? " " : "") + w[i];
    fonts.push_back(font);
  }
  return fonts;
}

Result<PdfInfo> ReadPdfInfo(const fs::path& pdf) {
  ADB_ASSIGN_OR_RETURN(std::string out, Run({"pdfinfo", pdf.string()}));
  PdfInfo info;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(Pages:\s+(\d+))"))) info.pages = std::stoi(m[1]);
  if (std::regex_search(out, m, std::regex(R"(Page size:\s+([\d.]+) x ([\d.]+) pts)"))) {
    info.width_pt = std::stod(m[1]);
    info.height_pt = std::stod(m[2]);
  }
  return info;
}

Result<std::vector<PdfWord>> ReadPdfWords(const fs::path& pdf) {
  ADB_ASSIGN_OR_RETURN(std::string out, Run({"pdftotext", "-enc", "UTF-8", "-bbox-layout",
                                            pdf.string(), "-"}));
  constexpr double kMmPerPoint = 25.4 / 72.0;
  std::vector<PdfWord> words;
  int page = 0;
  std::size_t at = 0;
  while (true) {
    const std::size_t page_at = out.find("<page ", at);
    const std::size_t word_at = out.find("<word ", at);
    if (word_at == std::string::npos) break;
    if (page_at != std::string::npos && page_at < word_at) {
      ++page;
      at = page_at + 6;
      continue;
    }
    const std::size_t tag_end = out.find('>', word_at);
    const std::size_t close = out.find("</word>", tag_end);
    if (tag_end == std::string::npos || close == std::string::npos) break;
    const std::string tag = out.substr(word_at, tag_end - word_at);
    PdfWord word;
    word.page = page;
    word.text = XmlText(out.substr(tag_end + 1, close - tag_end - 1));
    word.x_min_mm = Attribute(tag, "xMin") * kMmPerPoint;
    word.y_min_mm = Attribute(tag, "yMin") * kMmPerPoint;
    word.x_max_mm = Attribute(tag, "xMax") * kMmPerPoint;
    word.y_max_mm = Attribute(tag, "yMax") * kMmPerPoint;
    words.push_back(word);
    at = close;
  }
  return words;
}

Result<cv::Mat> RasterisePdfPage(const fs::path& pdf, int page, int dpi) {
  std::random_device rd;
  const fs::path base = fs::temp_directory_path() / ("adbridge-pdf-page-" + std::to_string(rd()));
  const std::string p = std::to_string(page);
  ADB_RETURN_IF_ERROR(Run({"pdftoppm", "-gray", "-png", "-singlefile", "-r", std::to_string(dpi),
                           "-f", p, "-l", p, pdf.string(), base.string()})
                          .status());
  const fs::path png = base.string() + ".png";
  cv::Mat image = cv::imread(png.string(), cv::IMREAD_GRAYSCALE);
  std::error_code ec;
  fs::remove(png, ec);
  if (image.empty()) return Status::Internal("ページ画像を読めません", "cannot read the page image");
  return image;
}

std::vector<std::string> ReadQrCodes(const cv::Mat& image) {
  cv::wechat_qrcode::WeChatQRCode decoder;
  return decoder.detectAndDecode(image);
}

}  // namespace adbridge::testing
