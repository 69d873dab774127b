# ambc's source files and include directories, listed by name: the one list every build uses
# (this repository's CMake, the ESP-IDF component block at the top of CMakeLists.txt, the
# Zephyr module in zephyr/, the firmware in boards/qemu-mps2-an385, the Pico W example).
# A project with its own build system (Make, an IDE) can take the same lists from here.
# There is no file(GLOB): adding a file to ambc is an edit of this file, and the suite's
# package.file_lists test fails while a .c or public .h of core/ or port/ is missing here.
#
#   include(<ambc>/ambcFilePaths.cmake)
#
# The core (every application): AMBC_CORE_SOURCES, the public headers' directory
# AMBC_INCLUDE_PUBLIC_DIRS (everything is included as <ambc/...>) and AMBC_CORE_PUBLIC_HEADERS.
# The core also needs jsmn.h (jsmn 1.1.0, one header) on its private include path: jsmn is
# private to the core, no public header includes it.
#
# The ports (an application compiles the ones it uses), each with its sources, its public
# include directory and its header:
#   AMBC_POSIX_*         BSD sockets TCP and the POSIX clock            <ambc/posix.h>
#   AMBC_MBEDTLS_*       TLS over any ambc stream, mbedTLS 2.28 or 3.x  <ambc/mbedtls.h>
#   AMBC_LWIP_SOCKETS_SOURCES, AMBC_LWIP_RAW_SOURCES: lwIP with an OS (NO_SYS=0) or without
#                        (NO_SYS=1), compiled with the application's lwIP; AMBC_LWIP_*  <ambc/lwip.h>

set(AMBC_CORE_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/core/api_error.c
    ${CMAKE_CURRENT_LIST_DIR}/core/batch_map.c
    ${CMAKE_CURRENT_LIST_DIR}/core/batches.c
    ${CMAKE_CURRENT_LIST_DIR}/core/civil.c
    ${CMAKE_CURRENT_LIST_DIR}/core/client.c
    ${CMAKE_CURRENT_LIST_DIR}/core/create.c
    ${CMAKE_CURRENT_LIST_DIR}/core/http_date.c
    ${CMAKE_CURRENT_LIST_DIR}/core/http_encode.c
    ${CMAKE_CURRENT_LIST_DIR}/core/http_request.c
    ${CMAKE_CURRENT_LIST_DIR}/core/http_response.c
    ${CMAKE_CURRENT_LIST_DIR}/core/json_scan.c
    ${CMAKE_CURRENT_LIST_DIR}/core/json_unescape.c
    ${CMAKE_CURRENT_LIST_DIR}/core/page.c
    ${CMAKE_CURRENT_LIST_DIR}/core/request_writer.c
    ${CMAKE_CURRENT_LIST_DIR}/core/results.c
    ${CMAKE_CURRENT_LIST_DIR}/core/results_fetch.c
    ${CMAKE_CURRENT_LIST_DIR}/core/retry.c
    ${CMAKE_CURRENT_LIST_DIR}/core/rfc3339.c
    ${CMAKE_CURRENT_LIST_DIR}/core/status.c
    ${CMAKE_CURRENT_LIST_DIR}/core/stream.c
    ${CMAKE_CURRENT_LIST_DIR}/core/wait.c)

set(AMBC_INCLUDE_PUBLIC_DIRS ${CMAKE_CURRENT_LIST_DIR}/include)

set(AMBC_CORE_PUBLIC_HEADERS
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/ambc.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/api_error.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/batch.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/config.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/create.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/http.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/json.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/log.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/port.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/results.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/retry.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/status.h
    ${CMAKE_CURRENT_LIST_DIR}/include/ambc/time.h)

set(AMBC_POSIX_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/port/posix/clock.c
    ${CMAKE_CURRENT_LIST_DIR}/port/posix/tcp.c)
set(AMBC_POSIX_INCLUDE_PUBLIC_DIRS ${CMAKE_CURRENT_LIST_DIR}/port/posix/include)
set(AMBC_POSIX_PUBLIC_HEADERS ${CMAKE_CURRENT_LIST_DIR}/port/posix/include/ambc/posix.h)

set(AMBC_MBEDTLS_SOURCES ${CMAKE_CURRENT_LIST_DIR}/port/mbedtls/tls.c)
set(AMBC_MBEDTLS_INCLUDE_PUBLIC_DIRS ${CMAKE_CURRENT_LIST_DIR}/port/mbedtls/include)
set(AMBC_MBEDTLS_PUBLIC_HEADERS ${CMAKE_CURRENT_LIST_DIR}/port/mbedtls/include/ambc/mbedtls.h)

set(AMBC_LWIP_SOCKETS_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/port/lwip/sockets.c
    ${CMAKE_CURRENT_LIST_DIR}/port/lwip/clock.c)
set(AMBC_LWIP_RAW_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/port/lwip/raw.c
    ${CMAKE_CURRENT_LIST_DIR}/port/lwip/clock.c)
set(AMBC_LWIP_INCLUDE_PUBLIC_DIRS ${CMAKE_CURRENT_LIST_DIR}/port/lwip/include)
set(AMBC_LWIP_PUBLIC_HEADERS ${CMAKE_CURRENT_LIST_DIR}/port/lwip/include/ambc/lwip.h)
