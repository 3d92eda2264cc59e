/* Bad arguments to kmem_cache_create return NULL with a message naming the problem; SLAB_PANIC
 * turns a failure into an abort (in a child); a good cache still works afterwards. */
#include <sys/wait.h>

#include "slab_test.h"

int main(void)
{
	slab_test_boot(NULL);
	char msg[4096];
	struct stderr_capture cap;

	stderr_capture_begin(&cap);
	CHECK(kmem_cache_create(NULL, 64, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create("", 64, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create("zero", 0, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create("huge", 64u << 20, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create("align3", 64, 3, 0, NULL) == NULL);
	CHECK(kmem_cache_create("align8k", 64, 8192, 0, NULL) == NULL);
	CHECK(kmem_cache_create("a-name-that-is-far-too-long-for-a-cache", 64, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create_usercopy("uc", 64, 0, 0, 60, 8, NULL) == NULL);
	stderr_capture_end(&cap, msg, sizeof(msg));
	CHECK(strstr(msg, "no name") != NULL);
	CHECK(strstr(msg, "bad object size") != NULL);
	CHECK(strstr(msg, "alignment not a power of two") != NULL);
	CHECK(strstr(msg, "alignment above PAGE_SIZE") != NULL);
	CHECK(strstr(msg, "name too long") != NULL);
	CHECK(strstr(msg, "usercopy window outside the object") != NULL);

	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		kmem_cache_create("panic", 0, 0, SLAB_PANIC, NULL);
		_exit(0);                      /* not reached: SLAB_PANIC aborts */
	}
	int status;
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);

	struct kmem_cache *s = kmem_cache_create("good", 64, 0, 0, NULL);
	REQUIRE(s != NULL);
	CHECK_EQ(kmem_cache_size(s), 64);
	CHECK(strcmp(kmem_cache_name(s), "good") == 0 || s->refcount > 1);
	void *o = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(o != NULL);
	kmem_cache_free(s, o);
	kmem_cache_destroy(s);
	kmem_cache_destroy(NULL);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
