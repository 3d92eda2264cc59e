// tests/malloc/stl_workload.cc - a C++ program that leans on the STL's allocations (strings,
// vectors, maps, unordered_maps, shared_ptr, std::function, threads handing containers to each
// other, aligned new) and prints checksums: run under glibc and under LD_PRELOAD of
// libnumamm-malloc.so, the outputs must match (tests/malloc/preload_compare.sh).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

struct alignas(64) Line { uint64_t v[8]; };

static uint64_t work(int seed)
{
	std::map<std::string, std::vector<int>> m;
	std::unordered_map<uint64_t, std::shared_ptr<std::string>> u;
	uint64_t x = (uint64_t)seed * 2654435761u + 1, sum = 0;
	for (int i = 0; i < 60000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		std::string k = "key-" + std::to_string(x % 5000);
		auto &v = m[k];
		v.push_back((int)(x >> 40));
		if (v.size() > 40)
			v.erase(v.begin(), v.begin() + 20);
		u[x % 3000] = std::make_shared<std::string>(k + std::string((x >> 50) % 300, 'x'));
		if (i % 7 == 0)
			u.erase((x >> 8) % 3000);
	}
	for (auto &kv : m)
		for (int e : kv.second)
			sum += (uint64_t)e ^ kv.first.size();
	for (auto &kv : u)
		sum += kv.first * kv.second->size();
	std::vector<std::unique_ptr<Line>> lines;
	for (int i = 0; i < 1000; i++) {
		lines.emplace_back(new Line());
		if ((uintptr_t)lines.back().get() % 64)
			return 0;                               // aligned new broke
		lines.back()->v[0] = (uint64_t)i;
	}
	std::vector<std::function<uint64_t()>> fns;
	for (int i = 0; i < 500; i++) {
		std::string cap(i % 100, 'c');
		fns.emplace_back([cap, i] { return cap.size() * (uint64_t)i; });
	}
	for (auto &f : fns)
		sum += f();
	return sum + lines.size();
}

int main()
{
	std::vector<uint64_t> out(4);
	std::vector<std::thread> ts;
	std::mutex mu;
	std::vector<std::vector<std::string>> handed;
	for (int t = 0; t < 4; t++)
		ts.emplace_back([&, t] {
			out[t] = work(t);
			std::vector<std::string> mine(2000, std::string(100, 'a' + t));
			std::lock_guard<std::mutex> g(mu);
			handed.push_back(std::move(mine));   // freed by the main thread
		});
	for (auto &t : ts)
		t.join();
	size_t chars = 0;
	for (auto &v : handed)
		for (auto &s : v)
			chars += s.size();
	handed.clear();
	for (int t = 0; t < 4; t++)
		std::cout << "thread " << t << " checksum " << out[t] << "\n";
	std::cout << "handed over " << chars << " chars\n";
	return 0;
}
