# Cortex-M cross build with Debian's gcc-arm-none-eabi + newlib.
# -DAMBC_CPU=cortex-m4 (default), cortex-m0plus, cortex-m33, cortex-m3
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
if(NOT AMBC_CPU)
  set(AMBC_CPU cortex-m4)
endif()
# AMBC_EXTRA_CFLAGS adds flags without replacing these (-DCMAKE_C_FLAGS would).
set(CMAKE_C_FLAGS_INIT "-mthumb -mcpu=${AMBC_CPU} -ffunction-sections -fdata-sections ${AMBC_EXTRA_CFLAGS}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
