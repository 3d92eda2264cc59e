/* fault_callsite_and_task_filter: the call-site filter fails only calls whose caller (the
 * return address of the API entry point) lies in [require_start, require_end), and the task
 * filter only threads that opted in with nmm_fault_make_it_fail(true) — at fail_page_alloc
 * and failslab. The caller numamm records for a forced failure is the return address in the
 * calling function. */
#include <pthread.h>

#include "ft.h"

static noinline void *site_a(void)
{
	void *p = alloc_page(GFP_KERNEL);
	__asm__ volatile("" ::: "memory");   /* no tail call: the return address stays in site_a */
	return p;
}

static noinline void *site_b(void)
{
	void *p = alloc_page(GFP_KERNEL);
	__asm__ volatile("" ::: "memory");
	return p;
}

static noinline void *kmalloc_site_a(void)
{
	void *p = kmalloc(64, GFP_KERNEL);
	__asm__ volatile("" ::: "memory");
	return p;
}

static noinline void *kmalloc_site_b(void)
{
	void *p = kmalloc(64, GFP_KERNEL);
	__asm__ volatile("" ::: "memory");
	return p;
}

/* Fail every call of @site (learnt from one forced failure), none of @other. */
static void callsite_check(int point, void *(*site)(void), void *(*other)(void), void (*put)(void *))
{
	ft_set(point, ft_always(1));
	void *p = site();
	CHECK(p == NULL);
	struct nmm_fault_stats st;
	REQUIRE(nmm_fault_stats(point, &st) == 0);
	uintptr_t ra = st.last_caller, fn = (uintptr_t)site;
	CHECK(ra > fn && ra < fn + 256);   /* inside the calling function, just after its call */

	struct nmm_fault_attr a = ft_always(-1);
	a.require_start = ra;
	a.require_end = ra + 1;
	ft_set(point, a);
	for (int i = 0; i < 16; i++) {
		void *q = other();
		CHECK(q != NULL);
		put(q);
		p = site();
		CHECK(p == NULL);
		if (p)
			put(p);
	}
	CHECK_EQ(nmm_fault_injected(point), 16);
	nmm_fault_set(point, NULL);
}

static void put_page_any(void *p) { __free_page((struct page *)p); }
static void put_kmalloc(void *p) { kfree(p); }

static int thread_failures;

static void *opted_in(void *arg)
{
	(void)arg;
	CHECK(!nmm_fault_make_it_fail(true));
	for (int i = 0; i < 8; i++) {
		struct page *p = alloc_page(GFP_KERNEL);
		void *o = kmalloc(32, GFP_KERNEL);
		thread_failures += !p + !o;
		if (p)
			__free_page(p);
		kfree(o);
	}
	CHECK(nmm_fault_make_it_fail(false));
	return NULL;
}

int main(void)
{
	ft_boot("mem=64M");
	unsigned long start = ft_free_pages();

	callsite_check(NMM_FAULT_PAGE_ALLOC, site_a, site_b, put_page_any);
	callsite_check(NMM_FAULT_SLAB, kmalloc_site_a, kmalloc_site_b, put_kmalloc);

	/* Task filter: this thread did not opt in and never fails; the other thread always. */
	struct nmm_fault_attr a = ft_always(-1);
	a.task_filter = true;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	ft_set(NMM_FAULT_SLAB, a);
	for (int i = 0; i < 8; i++) {
		struct page *p = alloc_page(GFP_KERNEL);
		void *o = kmalloc(32, GFP_KERNEL);
		CHECK(p && o);
		if (p)
			__free_page(p);
		kfree(o);
	}
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, opted_in, NULL) == 0);
	pthread_join(t, NULL);
	CHECK_EQ(thread_failures, 16);
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), 8);
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_SLAB), 8);
	nmm_fault_reset();

	CHECK_EQ(ft_free_pages(), start);
	nmm_shutdown();
	return test_done();
}
