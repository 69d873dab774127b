# mbedTLS for port/mbedtls, as the imported targets MbedTLS::mbedtls -> MbedTLS::mbedx509 ->
# MbedTLS::mbedcrypto (the names mbedTLS 3.x's own CMake package uses; targets that already
# exist are kept). Used by this repository's build and, installed beside ambcConfig.cmake, by
# find_package(ambc): the consumer finds mbedTLS the way the libraries were built. Debian's
# libmbedtls-dev 2.28 ships neither a CMake package nor a pkg-config file, so the headers and
# the three libraries are found by name.
#
# Sets AMBC_MBEDTLS_FOUND, AMBC_MBEDTLS_VERSION ("2.28.3", read from the headers) and the
# cache entries AMBC_MBEDTLS_INCLUDE, AMBC_MBEDTLS_LIB, AMBC_MBEDX509_LIB, AMBC_MBEDCRYPTO_LIB.
find_path(AMBC_MBEDTLS_INCLUDE mbedtls/ssl.h)
find_library(AMBC_MBEDTLS_LIB mbedtls)
find_library(AMBC_MBEDX509_LIB mbedx509)
find_library(AMBC_MBEDCRYPTO_LIB mbedcrypto)

set(AMBC_MBEDTLS_FOUND FALSE)
set(AMBC_MBEDTLS_VERSION "")
if(AMBC_MBEDTLS_INCLUDE AND AMBC_MBEDTLS_LIB AND AMBC_MBEDX509_LIB AND AMBC_MBEDCRYPTO_LIB)
  set(AMBC_MBEDTLS_FOUND TRUE)
  # 3.x defines the version in build_info.h, 2.x in version.h
  foreach(_ambc_h build_info.h version.h)
    set(_ambc_f ${AMBC_MBEDTLS_INCLUDE}/mbedtls/${_ambc_h})
    if(NOT AMBC_MBEDTLS_VERSION AND EXISTS ${_ambc_f})
      file(STRINGS ${_ambc_f} _ambc_v REGEX "^#define[ \t]+MBEDTLS_VERSION_STRING[ \t]+\"")
      string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" AMBC_MBEDTLS_VERSION "${_ambc_v}")
    endif()
  endforeach()
  set(_ambc_dep "")
  foreach(_ambc_lib mbedcrypto mbedx509 mbedtls)
    string(TOUPPER ${_ambc_lib} _ambc_var)
    if(NOT TARGET MbedTLS::${_ambc_lib})
      add_library(MbedTLS::${_ambc_lib} UNKNOWN IMPORTED)
      set_target_properties(MbedTLS::${_ambc_lib} PROPERTIES
        IMPORTED_LOCATION ${AMBC_${_ambc_var}_LIB}
        INTERFACE_INCLUDE_DIRECTORIES ${AMBC_MBEDTLS_INCLUDE}
        INTERFACE_LINK_LIBRARIES "${_ambc_dep}")
    endif()
    set(_ambc_dep MbedTLS::${_ambc_lib})
  endforeach()
endif()
