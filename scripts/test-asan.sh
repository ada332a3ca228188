#!/usr/bin/env bash
# Runs the test suite built in build-fuzz/ (scripts/build-fuzz.sh) under AddressSanitizer and
# UndefinedBehaviorSanitizer: the first memory error, leak or undefined behaviour stops the
# test that hit it, with its report, and fails the run.
#
# Left out, because they are the slowest of the suite and measure how well Tesseract reads
# rather than what adbridge's own code does with memory: the OCR accuracy tests that read every
# field of many generated scans. The code they run (registration, cutting fields, Recognizer,
# normalisers) is run under the sanitizers by the other OCR tests, on fewer pages:
#   FieldReaderTest.PrintedFieldsReadToTheirNormalisedTruth
#   FieldReaderTest.HandwritingReadingsThatAreWrongScoreLower
#   RenderReadingTest.AFilledInPrintIsReadAsWellAsTheOriginalPaperForm
#   DocumentReaderTest.FaultyScansAtSeveralResolutionsAreReadAndAlmostNoWrongValueAccepted
set -euo pipefail
cd "$(dirname "$0")/../build-fuzz"
slow_ocr='^(FieldReaderTest\.PrintedFieldsReadToTheirNormalisedTruth|FieldReaderTest\.HandwritingReadingsThatAreWrongScoreLower|RenderReadingTest\.AFilledInPrintIsReadAsWellAsTheOriginalPaperForm|DocumentReaderTest\.FaultyScansAtSeveralResolutionsAreReadAndAlmostNoWrongValueAccepted)$'
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/../tests/fuzz/lsan.supp:print_suppressions=0
# The clang build links LLVM's OpenMP runtime, which (unlike GCC's) warns on stderr when
# OMP_THREAD_LIMIT=1 holds Tesseract to one thread; tests that expect a quiet stderr would fail.
export KMP_WARNINGS=0
ctest --output-on-failure -j "$(nproc)" --timeout 1200 -E "$slow_ocr" "$@"
