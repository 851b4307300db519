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
