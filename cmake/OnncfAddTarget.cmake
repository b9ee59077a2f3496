# Helpers that give every library, tool and unit test of onnc-fault the same
# shape: LLVM's Support components, our include paths, one name per folder.

# onncf_add_library(NAME SOURCES... [DEPENDS libs...] [LLVM_COMPONENTS comps...])
function(onncf_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LLVM_COMPONENTS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  set(comps support ${ARG_LLVM_COMPONENTS})
  llvm_map_components_to_libnames(llvm_libs ${comps})
  target_link_libraries(${name} PUBLIC ${ARG_DEPENDS} ${llvm_libs}
    Threads::Threads)
endfunction()

# onncf_add_tool(NAME SOURCES... DEPENDS libs...)
function(onncf_add_tool name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPENDS})
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()

# onncf_add_unittest(NAME SOURCES... DEPENDS libs...)
function(onncf_add_unittest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPENDS} GTest::gtest_main
    GTest::gmock)
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/unittests)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS unit)
endfunction()
