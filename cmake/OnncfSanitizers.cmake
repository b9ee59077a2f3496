# Sanitizer switches. The suite builds one configuration with both on (see
# utils/test.sh) so that no malformed input can hide a memory error.
if(ONNCF_ENABLE_ASAN)
  add_compile_options(-fsanitize=address -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address)
endif()
if(ONNCF_ENABLE_UBSAN)
  add_compile_options(-fsanitize=undefined -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=undefined)
endif()
