# jsmn comes from Debian's libjsmn-dev as one header. It is copied into the build
# tree (never the repository) so a cross compiler can include it without seeing
# the host's /usr/include.
find_file(AMBC_JSMN_HEADER jsmn.h PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH)
if(NOT AMBC_JSMN_HEADER)
  message(FATAL_ERROR "jsmn.h not found: install Debian's libjsmn-dev (scripts/setup.sh does)")
endif()
set(AMBC_JSMN_DIR ${CMAKE_BINARY_DIR}/jsmn)
configure_file(${AMBC_JSMN_HEADER} ${AMBC_JSMN_DIR}/jsmn.h COPYONLY)
