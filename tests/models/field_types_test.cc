#include "models/field_types.h"

#include <gtest/gtest.h>

namespace adbridge::models {
namespace {

TEST(FieldTypesTest, Smoke) { EXPECT_TRUE(Normalize(FieldType::kText, "a").ok()); }

}  // namespace
}  // namespace adbridge::models
