#include "models/status.h"

#include <gtest/gtest.h>

namespace adbridge {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument("奇数です", "odd number");
  return n / 2;
}

Result<int> Quarter(int n) {
  ADB_ASSIGN_OR_RETURN(int half, Half(n));
  ADB_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, MessageFollowsTheChosenLanguage) {
  Status s = Status::NotFound("見つかりません", "not found");
  SetDefaultLang(Lang::kJa);
  EXPECT_EQ(s.message(), "見つかりません");
  SetDefaultLang(Lang::kEn);
  EXPECT_EQ(s.message(), "not found");
  SetDefaultLang(Lang::kJa);
}

TEST(StatusTest, PrefixNamesTheContextInBothLanguages) {
  Status s = Status::InvalidArgument("壊れています", "corrupt").WithPrefix("scan.tif: ");
  EXPECT_EQ(s.message(Lang::kJa), "scan.tif: 壊れています");
  EXPECT_EQ(s.message(Lang::kEn), "scan.tif: corrupt");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, AssignOrReturnPassesTheFirstErrorUp) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);  // 6/2 = 3 is odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(Lang::kEn), "odd number");
}

TEST(StatusTest, EnvironmentPicksEnglishOnlyWhenAskedFor) {
  setenv("ADBRIDGE_LANG", "en", 1);
  SetDefaultLangFromEnvironment();
  EXPECT_EQ(DefaultLang(), Lang::kEn);
  setenv("ADBRIDGE_LANG", "", 1);
  setenv("LANG", "ja_JP.UTF-8", 1);
  SetDefaultLangFromEnvironment();
  EXPECT_EQ(DefaultLang(), Lang::kJa);
  setenv("LANG", "C.UTF-8", 1);
  SetDefaultLangFromEnvironment();
  EXPECT_EQ(DefaultLang(), Lang::kJa);
}

}  // namespace
}  // namespace adbridge
