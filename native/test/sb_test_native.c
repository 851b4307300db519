/*
 * libsigbridge-testnative - test-only JNI helpers: io.sigbridge.testsupport.NativeCrash
 * (calling abort() the way native libraries do, from a native thread or from the caller's) and
 * io.sigbridge.testsupport.VmDeathProbe (what the dispatcher thread does when the JVM ends,
 * seen through a JVMTI environment of its own).
 */
#define _GNU_SOURCE
#include <jni.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* jvmti.h declares one callback type with an empty parameter list. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <jvmti.h>
#pragma GCC diagnostic pop

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

/* --- VmDeathProbe ------------------------------------------------------------------------ */

JNIEXPORT jint JNICALL Java_io_sigbridge_testsupport_VmDeathProbe_install(JNIEnv *env, jclass cls,
                                                                          jthread dispatcher);

#define PROBE_BOUND_NANOS 5000000000LL /* far beyond HotSpot's own 300 ms */

static jthread probed_thread;

static long long monotonic_nanos(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Runs in HotSpot's before_exit(), after sigbridge's own VMDeath callback (this environment is
 * created later, and JVMTI posts to environments in creation order): HotSpot's wait for threads
 * in native code comes after this. Watches the dispatcher's JVMTI state for a bounded while and
 * prints, in one write to stdout, whether it was still in native code. The test judges it.
 */
static void JNICALL probe_on_vm_death(jvmtiEnv *jvmti, JNIEnv *env)
{
    (void)env;
    long long start = monotonic_nanos();
    jint state = 0;
    jvmtiError err;
    for (;;) {
        err = (*jvmti)->GetThreadState(jvmti, probed_thread, &state);
        if (err != JVMTI_ERROR_NONE || !(state & JVMTI_THREAD_STATE_IN_NATIVE) ||
            monotonic_nanos() - start > PROBE_BOUND_NANOS) {
            break;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    char line[200];
    int n = snprintf(line, sizeof line,
                     "VMDEATH dispatcher inNative=%s state=0x%x jvmtiError=%d afterMicros=%lld\n",
                     (state & JVMTI_THREAD_STATE_IN_NATIVE) ? "true" : "false", (unsigned)state,
                     (int)err, (monotonic_nanos() - start) / 1000);
    if (n > 0) {
        ssize_t ignored = write(STDOUT_FILENO, line, (size_t)n);
        (void)ignored;
    }
}

/* 0, or the JNI/JVMTI error that kept the probe from being set up. */
JNIEXPORT jint JNICALL Java_io_sigbridge_testsupport_VmDeathProbe_install(JNIEnv *env, jclass cls,
                                                                          jthread dispatcher)
{
    (void)cls;
    JavaVM *vm = NULL;
    jvmtiEnv *jvmti = NULL;
    if ((*env)->GetJavaVM(env, &vm) != JNI_OK) {
        return -1;
    }
    jint rc = (*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_2);
    if (rc != JNI_OK) {
        return rc;
    }
    probed_thread = (*env)->NewGlobalRef(env, dispatcher);
    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof callbacks);
    callbacks.VMDeath = probe_on_vm_death;
    jvmtiError err = (*jvmti)->SetEventCallbacks(jvmti, &callbacks, (jint)sizeof callbacks);
    if (err == JVMTI_ERROR_NONE) {
        err = (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_DEATH, NULL);
    }
    return (jint)err;
}
