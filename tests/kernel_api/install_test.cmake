# installed_package_builds_users: cmake --install into a scratch prefix, then compile and run a
# kernel-style program through pkg-config and a CMake project through find_package(numamm).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BIN} --prefix ${WORK}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
set(ENV{PKG_CONFIG_PATH} "${WORK}/prefix/lib/pkgconfig")
execute_process(COMMAND pkg-config --cflags --libs numamm-kernel
                OUTPUT_VARIABLE flags RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(rc)
  message(FATAL_ERROR "pkg-config numamm-kernel failed")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
execute_process(COMMAND cc -D_GNU_SOURCE -o ${WORK}/kprog ${SRC}/tests/kernel_api/kernel_style_code_compiles.c
                        ${flags} -Wl,-rpath,${WORK}/prefix/lib RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "compiling kernel-style code with pkg-config numamm-kernel failed")
endif()
execute_process(COMMAND ${WORK}/kprog RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the pkg-config-built program failed: ${rc}")
endif()
file(WRITE ${WORK}/proj/CMakeLists.txt "cmake_minimum_required(VERSION 3.25)
project(user C)
find_package(numamm REQUIRED)
add_executable(user user.c)
target_link_libraries(user numamm::numamm)
")
file(WRITE ${WORK}/proj/user.c "#include <numamm/numamm.h>
#include <numamm/linux/gfp.h>
int main(void) { struct page *p = alloc_pages(GFP_KERNEL, 3); if (!p) return 1; __free_pages(p, 3); nmm_shutdown(); return 0; }
")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${WORK}/proj -B ${WORK}/proj/build -DCMAKE_PREFIX_PATH=${WORK}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "configuring a find_package(numamm) project failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/proj/build RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "building a find_package(numamm) project failed")
endif()
set(ENV{LD_LIBRARY_PATH} "${WORK}/prefix/lib")
execute_process(COMMAND ${WORK}/proj/build/user RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the find_package-built program failed: ${rc}")
endif()
