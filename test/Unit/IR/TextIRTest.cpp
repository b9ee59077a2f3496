//===- TextIRTest.cpp - Printer and parser --------------------------------===//
#include "TestOps.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;

namespace {
TEST(TextIRTest, Placeholder) { SUCCEED(); }
} // namespace
