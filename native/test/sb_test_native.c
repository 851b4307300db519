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

static char thread_name[16];

/* The threads call abort() together. A mutex and a condition, not pthread_barrier_t: macOS has none. */
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_started = PTHREAD_COND_INITIALIZER;
static int threads_expected;
static int threads_started;

static void start_together(void)
{
    pthread_mutex_lock(&start_lock);
    if (++threads_started >= threads_expected) {
        pthread_cond_broadcast(&all_started);
    }
    while (threads_started < threads_expected) {
        pthread_cond_wait(&all_started, &start_lock);
    }
    pthread_mutex_unlock(&start_lock);
}

static void *abort_thread(void *arg)
{
    (void)arg;
#if defined(__linux__)
    pthread_setname_np(pthread_self(), thread_name);
#elif defined(__APPLE__)
    pthread_setname_np(thread_name); /* names the calling thread only */
#endif
    start_together();
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
    pthread_t threads[64];
    if (count > 64) {
        count = 64;
    }
    threads_expected = count;
    for (jint i = 0; i < count; i++) {
        pthread_create(&threads[i], NULL, abort_thread, NULL);
    }
    for (jint i = 0; i < count; i++) {
        pthread_join(threads[i], NULL); /* never returns: the process ends by SIGABRT */
    }
}

JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_abortHere(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    abort();
}
