# Kconfig -> ${CMAKE_BINARY_DIR}/ambc_kconfig.h with kconfiglib.
#
#   -DAMBC_CONFIG=<file>     the .config to use (default: <build>/.config; missing = all defaults)
#   -DAMBC_DEFCONFIG=<file>  seed <build>/.config from a minimal defconfig once (profiles in
#                            configs/: minimal-list, default, full; the Linux build: full)
#   targets: menuconfig, savedefconfig (writes <build>/defconfig)
#
# Debian's python3-kconfiglib installs modules for /usr/bin/python3 only; a pyenv
# python3 first on PATH cannot import it, so probe interpreters instead of assuming one.
set(AMBC_KCONFIG_HEADER_FILE ${CMAKE_BINARY_DIR}/ambc_kconfig.h)
set(AMBC_CONFIG "${CMAKE_BINARY_DIR}/.config" CACHE FILEPATH "Kconfig .config file used for ambc")

set(AMBC_KCONFIG_PYTHON "")
if(AMBC_USE_KCONFIG)
  foreach(_py /usr/bin/python3 python3)
    find_program(_ambc_py_path ${_py} NO_CACHE)
    if(_ambc_py_path)
      execute_process(COMMAND ${_ambc_py_path} -c "import kconfiglib"
                      RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
      if(_rc EQUAL 0)
        set(AMBC_KCONFIG_PYTHON ${_ambc_py_path})
        break()
      endif()
    endif()
    unset(_ambc_py_path)
  endforeach()
  if(NOT AMBC_KCONFIG_PYTHON)
    message(WARNING "kconfiglib not importable by any python3: using the defaults in include/ambc/config.h")
  endif()
endif()

if(AMBC_KCONFIG_PYTHON)
  set(_env ${CMAKE_COMMAND} -E env KCONFIG_CONFIG=${AMBC_CONFIG} srctree=${AMBC_ROOT})
  if(AMBC_DEFCONFIG AND NOT EXISTS ${AMBC_CONFIG})
    execute_process(COMMAND ${_env} ${AMBC_KCONFIG_PYTHON} -m defconfig
                            --kconfig ${AMBC_ROOT}/Kconfig ${AMBC_DEFCONFIG}
                    RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "defconfig ${AMBC_DEFCONFIG} failed")
    endif()
  endif()
  execute_process(COMMAND ${_env} ${AMBC_KCONFIG_PYTHON} -m genconfig
                          --header-path ${AMBC_KCONFIG_HEADER_FILE} ${AMBC_ROOT}/Kconfig
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "genconfig failed on ${AMBC_ROOT}/Kconfig")
  endif()
  # Editing Kconfig or the .config re-runs CMake and regenerates the header.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${AMBC_ROOT}/Kconfig)
  if(EXISTS ${AMBC_CONFIG})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${AMBC_CONFIG})
  endif()
  add_custom_target(menuconfig
    COMMAND ${_env} ${AMBC_KCONFIG_PYTHON} -m menuconfig ${AMBC_ROOT}/Kconfig
    COMMAND ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
    USES_TERMINAL)
  add_custom_target(savedefconfig
    COMMAND ${_env} ${AMBC_KCONFIG_PYTHON} -m savedefconfig
            --kconfig ${AMBC_ROOT}/Kconfig --out ${CMAKE_BINARY_DIR}/defconfig
    USES_TERMINAL)
  set(AMBC_CONFIG_DEFINES AMBC_KCONFIG_HEADER="ambc_kconfig.h")
  # Installed (cmake --install), the header goes beside config.h as <ambc/ambc_kconfig.h>, and
  # consumers define AMBC_KCONFIG_INSTALLED (a plain flag: pkg-config escapes the quotes of
  # a string-valued -D, so `cc $(pkg-config --cflags ambc)` could not carry one).
  set(AMBC_INSTALL_CONFIG_DEFINES AMBC_KCONFIG_INSTALLED)
else()
  set(AMBC_CONFIG_DEFINES "")
  set(AMBC_INSTALL_CONFIG_DEFINES "")
endif()
