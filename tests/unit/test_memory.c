/* The memory modules under the parsers: urne_mem (large blocks), urne_arena (growing
 * blocks), urne_strpool (interning). A national file puts 70,000 sheets and 140,000
 * strings through them; these tests check the contracts at both ends of that range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/core/urne_arena.h"
#include "../../src/core/urne_diag.h"
#include "../../src/core/urne_mem.h"
#include "../../src/core/urne_strpool.h"

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static void test_mem_sizes(void **state) {
    (void)state;
    assert_null(urne_mem_alloc(0));
    /* Small (heap) and large (mapped) blocks: zeroed, aligned, writable to the last byte. */
    size_t sizes[] = {1, 100, 4096, (1u << 20) - 1, 1u << 20, (3u << 20) + 17};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned char *p = urne_mem_alloc(sizes[k]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_true(all_zero(p, sizes[k]));
        memset(p, 0xab, sizes[k]);
        assert_int_equal(p[sizes[k] - 1], 0xab);
        urne_mem_free(p);
    }
    urne_mem_free(NULL);
    assert_null(urne_mem_alloc(SIZE_MAX - 8));
}

static void test_mem_grow(void **state) {
    (void)state;
    /* Growing from the heap into a mapping keeps the bytes and zeroes the new tail. */
    size_t n = 1000;
    uint32_t *a = urne_mem_grow(NULL, n * sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++) a[i] = (uint32_t)(i * 2654435761u);
    size_t big = 2000000;
    uint32_t *b = urne_mem_grow(a, big * sizeof *b);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) assert_int_equal(b[i], (uint32_t)(i * 2654435761u));
    assert_true(all_zero((const unsigned char *)(b + n), (big - n) * sizeof *b));
    /* A smaller size leaves the block as it is. */
    assert_ptr_equal(urne_mem_grow(b, 10), b);
    /* Failure leaves the block valid. */
    assert_null(urne_mem_grow(b, SIZE_MAX - 8));
    assert_int_equal(b[n - 1], (uint32_t)((n - 1) * 2654435761u));
    urne_mem_free(b);
}

static void test_arena_growth(void **state) {
    (void)state;
    urne_arena a;
    urne_arena_init(&a);
    /* 200,000 small strings cross many blocks (64 KiB doubling to 4 MiB); every one
     * must keep its bytes while the later ones are allocated. */
    enum { N = 200000 };
    static char *kept[N];
    char tmp[32];
    for (int i = 0; i < N; i++) {
        int len = snprintf(tmp, sizeof tmp, "69-%d-%04d", i / 7, i % 7);
        kept[i] = urne_arena_strndup(&a, tmp, (size_t)len);
        assert_non_null(kept[i]);
        assert_int_equal((uintptr_t)kept[i] % 16, 0);
    }
    for (int i = 0; i < N; i += 997) {
        snprintf(tmp, sizeof tmp, "69-%d-%04d", i / 7, i % 7);
        assert_string_equal(kept[i], tmp);
    }
    /* A request bigger than any block gets its own, zeroed, and small ones continue. */
    unsigned char *big = urne_arena_alloc(&a, 9u << 20);
    assert_non_null(big);
    assert_true(all_zero(big, 9u << 20));
    char *after = urne_arena_strdup(&a, "after");
    assert_string_equal(after, "after");
    assert_string_equal(kept[N - 1], "69-28571-0002");
    urne_arena_free(&a);
    assert_null(a.head);
}

static void test_strpool(void **state) {
    (void)state;
    urne_arena a;
    urne_arena_init(&a);
    urne_strpool pool;
    urne_strpool_init(&pool, &a);
    assert_int_equal(urne_strpool_reserve(&pool, 1000), 0);
    /* More strings than reserved: the table grows and every pointer stays canonical. */
    enum { N = 50000 };
    static const char *first[N];
    char tmp[32];
    for (int i = 0; i < N; i++) {
        int len = snprintf(tmp, sizeof tmp, "bureau %d", i);
        uint32_t h = urne_strpool_hash(tmp, (size_t)len);
        urne_strpool_prefetch(&pool, h);
        first[i] = urne_strpool_intern_hashed(&pool, tmp, (size_t)len, h);
        assert_non_null(first[i]);
    }
    assert_int_equal(pool.count, N);
    assert_true(pool.cap >= 2 * (size_t)N);
    for (int i = 0; i < N; i++) {
        int len = snprintf(tmp, sizeof tmp, "bureau %d", i);
        assert_ptr_equal(urne_strpool_intern(&pool, tmp, (size_t)len), first[i]);
    }
    assert_int_equal(pool.count, N);
    /* Equal prefixes and the empty string are distinct strings. */
    const char *e = urne_strpool_intern(&pool, "", 0);
    assert_string_equal(e, "");
    assert_ptr_not_equal(urne_strpool_intern(&pool, "bureau 1", 7), first[1]);
    urne_strpool_free(&pool);
    urne_arena_free(&a);
}

/* Adopting another arena: its strings stay, the adopter keeps filling its own block,
 * and freeing the adopter frees both (ASan's leak check sees the rest). */
static void test_arena_adopt(void **state) {
    (void)state;
    urne_arena a, b, empty;
    urne_arena_init(&a);
    urne_arena_init(&b);
    urne_arena_init(&empty);
    char *in_a = urne_arena_strdup(&a, "in a");
    char *in_b[1000];
    for (int i = 0; i < 1000; i++) {
        char tmp[16];
        snprintf(tmp, sizeof tmp, "b%d", i);
        in_b[i] = urne_arena_strdup(&b, tmp);
    }
    (void)urne_arena_alloc(&b, 200000); /* a block of its own */
    urne_arena_adopt(&a, &b);
    assert_null(b.head);
    urne_arena_adopt(&a, &empty); /* nothing to take */
    char *after = urne_arena_strdup(&a, "after");
    assert_ptr_equal(after, in_a + 16); /* the same block goes on */
    assert_string_equal(in_a, "in a");
    assert_string_equal(in_b[999], "b999");
    urne_arena_adopt(&empty, &a); /* into an empty arena */
    assert_null(a.head);
    assert_string_equal(in_b[0], "b0");
    urne_arena_free(&empty);
}

/* A pool that adopts copies made elsewhere: the first copy of some bytes becomes the
 * canonical one, later ones resolve to it, and interning agrees. */
static void test_strpool_adopt(void **state) {
    (void)state;
    urne_arena a;
    urne_arena_init(&a);
    urne_strpool pool;
    urne_strpool_init(&pool, &a);
    char *x = urne_arena_strdup(&a, "69-123-0001"), *y = urne_arena_strdup(&a, "69-123-0001");
    uint32_t h = urne_strpool_hash(x, strlen(x));
    assert_int_equal(h, urne_strpool_hash(y, strlen(y)));
    assert_ptr_equal(urne_strpool_adopt(&pool, x, strlen(x), h), x);
    assert_ptr_equal(urne_strpool_adopt(&pool, y, strlen(y), h), x);
    assert_ptr_equal(urne_strpool_intern(&pool, "69-123-0001", 11), x);
    const char *z = urne_strpool_intern(&pool, "69-123-0002", 11);
    char *w = urne_arena_strdup(&a, "69-123-0002");
    assert_ptr_equal(urne_strpool_adopt(&pool, w, 11, urne_strpool_hash(w, 11)), z);
    assert_int_equal(pool.count, 2);
    urne_strpool_free(&pool);
    urne_arena_free(&a);
}

/* Appending message lists keeps the order and the cap, and counts what the cap drops. */
static void test_diags_append(void **state) {
    (void)state;
    urne_diags into, from;
    urne_diags_init(&into, "f");
    urne_diags_init(&from, "f");
    urne_diags_add(&into, URNE_DIAG_ERROR, 1, "x", "r1", "first");
    for (int i = 0; i < URNE_DIAG_MAX_KEPT + 50; i++)
        urne_diags_add(&from, i % 3 ? URNE_DIAG_ERROR : URNE_DIAG_WARNING, 10 + i, NULL, "r2", "n%d", i);
    assert_int_equal(from.count, URNE_DIAG_MAX_KEPT);
    urne_diags_append(&into, &from);
    assert_int_equal(into.count, URNE_DIAG_MAX_KEPT);
    assert_int_equal(into.errors + into.warnings, 1 + URNE_DIAG_MAX_KEPT + 50);
    assert_int_equal(into.errors, from.errors + 1);
    assert_int_equal(into.warnings, from.warnings);
    assert_string_equal(into.items[0].message, "first");
    assert_string_equal(into.items[1].message, "n0");
    assert_int_equal(into.items[1].severity, URNE_DIAG_WARNING);
    assert_int_equal(into.items[2].line, 11);
    assert_string_equal(into.items[URNE_DIAG_MAX_KEPT - 1].message, "n998");
    urne_diags_free(&into);
    urne_diags_free(&from);
}

/* urne_mem_room: the array itself while there is room; `first` items for an
 * empty one, then doubling, the contents kept; an overflowing size refused with
 * the array and its capacity left as they were. */
static void test_mem_room(void **state) {
    (void)state;
    size_t cap = 0, n = 0;
    int64_t *v = NULL;
    for (int64_t i = 0; i < 100; i++) {
        int64_t *w = urne_mem_room(v, n, &cap, sizeof *w, 4);
        assert_non_null(w);
        if (n < 4) assert_int_equal(cap, 4);
        v = w;
        v[n++] = i * 7;
    }
    assert_int_equal(cap, 128); /* 4, 8, 16, 32, 64, 128 */
    for (size_t i = 0; i < n; i++) assert_int_equal(v[i], (int64_t)i * 7);
    assert_ptr_equal(urne_mem_room(v, 50, &cap, sizeof *v, 4), v); /* room: the same block */
    size_t huge = SIZE_MAX / 2 + 1;
    assert_null(urne_mem_room(v, huge, &huge, 2, 4)); /* 2 * huge items would wrap */
    assert_int_equal(huge, SIZE_MAX / 2 + 1);
    size_t big = SIZE_MAX / 16;
    assert_null(urne_mem_room(v, big, &big, 16, 4)); /* twice as many 16-byte items overflow */
    assert_int_equal(big, SIZE_MAX / 16);
    free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_sizes),
        cmocka_unit_test(test_mem_grow),
        cmocka_unit_test(test_mem_room),
        cmocka_unit_test(test_arena_growth),
        cmocka_unit_test(test_strpool),
        cmocka_unit_test(test_arena_adopt),
        cmocka_unit_test(test_strpool_adopt),
        cmocka_unit_test(test_diags_append),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
