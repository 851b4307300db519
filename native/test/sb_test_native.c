/*
 * libsigbridge-testnative - test-only JNI helpers for io.sigbridge.testsupport.NativeCrash:
 * calling abort() the way native libraries do, from a native thread or from the caller's.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_abortOnNativeThreads(JNIEnv *env,
                                                                                      jclass cls,
                                                                                      jstring name,
                                                                                      jint count);
JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_abortHere(JNIEnv *env, jclass cls);
JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_doubleFreeOnNativeThread(JNIEnv *env,
                                                                                          jclass cls);

static char thread_name[16];
static pthread_barrier_t start_together;

static void *abort_thread(void *arg)
{
    (void)arg;
#if defined(__linux__)
    pthread_setname_np(pthread_self(), thread_name);
#endif
    pthread_barrier_wait(&start_together);
    abort();
}

JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_abortOnNativeThreads(JNIEnv *env,
                                                                                      jclass cls,
                                                                                      jstring name,
                                                                                      jint count)
{
    (void)cls;
    const char *utf = (*env)->GetStringUTFChars(env, name, NULL);
    if (utf == NULL) {
        return;
    }
    strncpy(thread_name, utf, sizeof thread_name - 1);
    (*env)->ReleaseStringUTFChars(env, name, utf);
    if (count < 1) {
        count = 1;
    }
    pthread_barrier_init(&start_together, NULL, (unsigned)count);
    pthread_t threads[64];
    for (jint i = 0; i < count && i < 64; i++) {
        pthread_create(&threads[i], NULL, abort_thread, NULL);
    }
    for (jint i = 0; i < count && i < 64; i++) {
        pthread_join(threads[i], NULL); /* never returns: the process ends by SIGABRT */
    }
}

JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_abortHere(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    abort();
}

/* A double free that glibc detects while it holds the arena lock (a chunk too big for tcache and
 * fastbins goes through _int_free under av->mutex): "double free or corruption (!prev)", then
 * abort() with the lock held, as a buggy native library does it. With MALLOC_ARENA_MAX=1 every
 * thread shares that arena, so every malloc elsewhere now blocks. */
static void *double_free(void *arg)
{
    (void)arg;
#if defined(__linux__)
    pthread_setname_np(pthread_self(), "sb-double-free");
#endif
    char *chunk = malloc(4096);
    char *guard = malloc(4096); /* keeps the chunk from merging into the top */
    if (chunk == NULL || guard == NULL) {
        abort();
    }
    chunk[0] = guard[0] = 1;
    char *volatile again = chunk; /* the bug is deliberate: keep the compiler from seeing it */
    free(chunk);
    free(again); /* aborts inside free */
    return guard;
}

JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_doubleFreeOnNativeThread(JNIEnv *env,
                                                                                          jclass cls)
{
    (void)env;
    (void)cls;
    pthread_t thread;
    if (pthread_create(&thread, NULL, double_free, NULL) == 0) {
        pthread_join(thread, NULL); /* never returns: the process ends by SIGABRT */
    }
}
