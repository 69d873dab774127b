# The warning set DESIGN.md requires for core/ and port/: every warning an error.
set(AMBC_STRICT_FLAGS
    -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wstrict-prototypes -Werror)

function(ambc_strict target)
  target_compile_options(${target} PRIVATE ${AMBC_STRICT_FLAGS})
endfunction()
