# cmake -DBUILD_DIR=... -DTARGET=... -DSYMBOLS="a;b" -P expect_link_errors.cmake
# Builds TARGET, which must fail to link with an undefined reference to each of SYMBOLS, and
# for no other reason (a compile error would prove nothing).
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} linked: the switched-off calls exist\n${all}")
endif()
if(all MATCHES "\\.c:[0-9]+:[0-9]+: error:")
  message(FATAL_ERROR "${TARGET} did not even compile:\n${all}")
endif()
foreach(sym ${SYMBOLS})
  if(NOT all MATCHES "undefined reference to `${sym}'")
    message(FATAL_ERROR "no undefined reference to ${sym}:\n${all}")
  endif()
  message(STATUS "undefined reference to ${sym}: as it must be")
endforeach()
