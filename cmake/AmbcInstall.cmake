# cmake --install [--prefix DIR]: what a project outside this tree needs to use ambc.
#
#   include/ambc/*.h                 the core's public headers, the POSIX and mbedTLS ports'
#                                    (<ambc/posix.h>, <ambc/mbedtls.h>), and ambc_kconfig.h: the
#                                    Kconfig header the libraries were built with, beside the
#                                    config.h it configures
#   lib/libambc_core.a, libambc_posix.a, libambc_mbedtls.a     static libraries
#   lib/cmake/ambc/                  find_package(ambc CONFIG): ambc::core, ambc::posix,
#                                    ambc::mbedtls, their dependencies found for the consumer
#   lib/pkgconfig/ambc.pc, ambc-posix.pc, ambc-mbedtls.pc
#   bin/ambc                         the CLI
#
# Consumers get AMBC_KCONFIG_INSTALLED from both the CMake targets and the pkg-config Cflags
# (AMBC_INSTALL_CONFIG_DEFINES, one variable for both), so config.h reads the installed
# ambc_kconfig.h and sizes every struct as the libraries did. The lwIP ports are not installed
# as libraries: they compile against the application's own lwIP and lwipopts.h (take their
# sources from ambcFilePaths.cmake).
include(CMakePackageConfigHelpers)

set(AMBC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ambc)
set(_inc ${CMAKE_INSTALL_INCLUDEDIR}/ambc)

set(AMBC_INSTALLED_COMPONENTS core)
set(_targets ambc_core)
install(FILES ${AMBC_CORE_PUBLIC_HEADERS} DESTINATION ${_inc})
if(AMBC_KCONFIG_PYTHON)
  install(FILES ${AMBC_KCONFIG_HEADER_FILE} DESTINATION ${_inc})
endif()
if(TARGET ambc_port_posix)
  list(APPEND AMBC_INSTALLED_COMPONENTS posix)
  list(APPEND _targets ambc_port_posix)
  install(FILES ${AMBC_POSIX_PUBLIC_HEADERS} DESTINATION ${_inc})
endif()
if(TARGET ambc_port_mbedtls)
  list(APPEND AMBC_INSTALLED_COMPONENTS mbedtls)
  list(APPEND _targets ambc_port_mbedtls)
  install(FILES ${AMBC_MBEDTLS_PUBLIC_HEADERS} DESTINATION ${_inc})
  install(FILES ${AMBC_ROOT}/cmake/AmbcMbedTLS.cmake DESTINATION ${AMBC_INSTALL_CMAKEDIR})
endif()
install(TARGETS ${_targets} EXPORT ambcTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET ambc)
  install(TARGETS ambc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# ---- the CMake package -------------------------------------------------------------------
install(EXPORT ambcTargets NAMESPACE ambc:: DESTINATION ${AMBC_INSTALL_CMAKEDIR})
configure_package_config_file(${AMBC_ROOT}/cmake/ambcConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/ambcConfig.cmake INSTALL_DESTINATION ${AMBC_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API, so only the same major.minor is compatible.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/ambcConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/ambcConfig.cmake
              ${CMAKE_BINARY_DIR}/package/ambcConfigVersion.cmake
        DESTINATION ${AMBC_INSTALL_CMAKEDIR})

# ---- pkg-config: relocatable (prefix found from the .pc file's own directory) --------------
set(_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH PC_RELATIVE_PREFIX /prefix/${_pcdir} /prefix)
string(REGEX REPLACE "/$" "" PC_RELATIVE_PREFIX "${PC_RELATIVE_PREFIX}")

# -I / -L for a dependency only where the compiler would not look anyway.
function(ambc_pc_dir_flag out flag dir implicit)
  set(${out} "" PARENT_SCOPE)
  if(dir AND NOT dir IN_LIST ${implicit})
    set(${out} "${flag}${dir}" PARENT_SCOPE)
  endif()
endfunction()

function(ambc_pc name description requires cflags libs)
  set(PC_NAME ${name})
  set(PC_DESCRIPTION ${description})
  set(PC_REQUIRES ${requires})
  list(REMOVE_ITEM cflags "")
  list(REMOVE_ITEM libs "")
  string(REPLACE ";" " " PC_CFLAGS "${cflags}")
  string(REPLACE ";" " " PC_LIBS "${libs}")
  configure_file(${AMBC_ROOT}/cmake/ambc.pc.in ${CMAKE_BINARY_DIR}/package/${name}.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/package/${name}.pc DESTINATION ${_pcdir})
endfunction()

set(_defs "")
foreach(d ${AMBC_INSTALL_CONFIG_DEFINES})
  list(APPEND _defs -D${d})
endforeach()
ambc_pc(ambc "Message Batches API client for microcontrollers and Linux: the core" ""
        "-I\${includedir};${_defs}" "-lambc_core")
if(TARGET ambc_port_posix)
  find_package(Threads REQUIRED)  # CMAKE_THREAD_LIBS_INIT: what Threads::Threads links here
  ambc_pc(ambc-posix "ambc's POSIX port: TCP over BSD sockets and a monotonic clock" "ambc"
          "" "-lambc_posix;${CMAKE_THREAD_LIBS_INIT}")
endif()
if(TARGET ambc_port_mbedtls)
  get_filename_component(_mbed_libdir ${AMBC_MBEDTLS_LIB} DIRECTORY)
  ambc_pc_dir_flag(_mbed_i -I ${AMBC_MBEDTLS_INCLUDE} CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES)
  ambc_pc_dir_flag(_mbed_l -L ${_mbed_libdir} CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
  ambc_pc(ambc-mbedtls "ambc's TLS port: TLS over any ambc stream with mbedTLS ${AMBC_MBEDTLS_VERSION}"
          "ambc" "${_mbed_i}" "-lambc_mbedtls;${_mbed_l};-lmbedtls;-lmbedx509;-lmbedcrypto")
endif()
