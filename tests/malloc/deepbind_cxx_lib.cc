// deepbind_cxx_lib - a C++ library dlopen'ed with RTLD_DEEPBIND by a C program: libstdc++ comes
// in with it, inside the deep scope, so operator new/delete reach glibc's malloc entry points.
#include <cstddef>
#include <string>

extern "C" char *lib_new_chars(std::size_t n) { return new char[n]; }
extern "C" void lib_delete_chars(char *p) { delete[] p; }
extern "C" std::size_t lib_string_roundtrip(std::size_t n)
{
	std::string s(n, 'x');
	s += std::string(n, 'y');
	return s.size();
}
