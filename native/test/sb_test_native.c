/*
 * libsigbridge-testnative - test-only JNI helpers: io.sigbridge.testsupport.NativeCrash
 * (calling abort() the way native libraries do, from a native thread or from the caller's) and
 * io.sigbridge.testsupport.VmDeathProbe (what the dispatcher thread does when the JVM ends,
 * seen through a JVMTI environment of its own).
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <sys/ucontext.h> /* ucontext_t; <ucontext.h> is the deprecated routines on macOS */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif
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
JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeCrash_doubleFreeOnNativeThread(JNIEnv *env,
                                                                                          jclass cls);
JNIEXPORT jint JNICALL Java_io_sigbridge_testsupport_NativeChain_installContextReader(JNIEnv *env,
                                                                                     jclass cls,
                                                                                     jint signo);
JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeChain_report(JNIEnv *env, jclass cls,
                                                                        jlongArray out);
JNIEXPORT jint JNICALL Java_io_sigbridge_testsupport_NativeTimers_expireWhileBlocked(JNIEnv *env,
                                                                                    jclass cls,
                                                                                    jint signo,
                                                                                    jint value,
                                                                                    jint periods);

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

/* A POSIX timer aimed at the calling thread (SIGEV_THREAD_ID), firing every millisecond while
 * this thread blocks its signal for `periods` ms: when unblocked, one signal arrives here with
 * si_overrun counting the other expirations. 0, or an errno value. */
JNIEXPORT jint JNICALL Java_io_sigbridge_testsupport_NativeTimers_expireWhileBlocked(JNIEnv *env,
                                                                                    jclass cls,
                                                                                    jint signo,
                                                                                    jint value,
                                                                                    jint periods)
{
    (void)env;
    (void)cls;
#if defined(__linux__)
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signo);
    struct sigevent how;
    memset(&how, 0, sizeof how);
    how.sigev_notify = SIGEV_THREAD_ID;
    how.sigev_signo = signo;
    how.sigev_value.sival_int = value;
    how._sigev_un._tid = (pid_t)syscall(SYS_gettid);
    timer_t timer;
    pthread_sigmask(SIG_BLOCK, &only, NULL);
    if (timer_create(CLOCK_MONOTONIC, &how, &timer) != 0) {
        int err = errno;
        pthread_sigmask(SIG_UNBLOCK, &only, NULL);
        return err;
    }
    struct itimerspec every_ms = {{0, 1000000}, {0, 1000000}};
    timer_settime(timer, 0, &every_ms, NULL);
    struct timespec wait = {periods / 1000, (long)(periods % 1000) * 1000000};
    nanosleep(&wait, NULL);
    pthread_sigmask(SIG_UNBLOCK, &only, NULL); /* the pending one is delivered here */
    pthread_sigmask(SIG_BLOCK, &only, NULL);
    timer_delete(timer); /* drops a later expiry still pending */
    pthread_sigmask(SIG_UNBLOCK, &only, NULL);
    return 0;
#else
    (void)signo;
    (void)value;
    (void)periods;
    return ENOSYS;
#endif
}

/* An SA_SIGINFO handler that, as Go's and crash reporters do, reads the ucontext it is given
 * (a NULL one crashes the process here), and records where and with what it ran. */
static volatile long reader_calls, reader_had_context, reader_tid, reader_pid, reader_value;

static void context_reader(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    volatile int masked = sigismember(&((ucontext_t *)context)->uc_sigmask, signo);
    (void)masked;
    reader_had_context = context != NULL;
#if defined(__linux__)
    reader_tid = (long)syscall(SYS_gettid);
#endif
    reader_pid = info->si_pid;
    reader_value = info->si_value.sival_int;
    reader_calls++;
}

JNIEXPORT jint JNICALL Java_io_sigbridge_testsupport_NativeChain_installContextReader(JNIEnv *env,
                                                                                     jclass cls,
                                                                                     jint signo)
{
    (void)env;
    (void)cls;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = context_reader;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, NULL) == 0 ? 0 : errno;
}

JNIEXPORT void JNICALL Java_io_sigbridge_testsupport_NativeChain_report(JNIEnv *env, jclass cls,
                                                                        jlongArray out)
{
    (void)cls;
    jlong values[5] = {reader_calls, reader_had_context, reader_tid, reader_pid, reader_value};
    (*env)->SetLongArrayRegion(env, out, 0, 5, values);
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
