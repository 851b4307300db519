/*
 * sb_jni.c - the hand-written JNI bindings of io.sigbridge.internal.NativeSignals.
 *
 * Nothing here runs in signal context. Functions return 0 or an error code and
 * never throw: the Java side owns the typed exceptions, which keeps every JNI
 * call here trivially correct under -Xcheck:jni.
 */
#if !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#endif
#include <errno.h>
#include <jni.h>
/* jvmti.h declares one callback type with an empty parameter list. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <jvmti.h>
#pragma GCC diagnostic pop
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#endif

#include "../core/sb_core.h"
#include "../core/sb_platform.h"
#include "../core/sb_process.h"
#include "io_sigbridge_internal_NativeSignals.h"

#define EVENT_LONGS io_sigbridge_internal_NativeSignals_EVENT_LONGS
#define BATCH 64

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_init(JNIEnv *env, jclass cls,
                                                                     jint ring_capacity)
{
    (void)env;
    (void)cls;
    return sb_platform_init(ring_capacity > 0 ? (uint32_t)ring_capacity : 0);
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_NativeSignals_platformInfo(JNIEnv *env,
                                                                             jclass cls,
                                                                             jintArray out)
{
    (void)cls;
    sb_platform_info info;
    sb_platform_info_get(&info);
    jint values[4] = {info.nsig, info.rtmin, info.rtmax, (jint)sb_core_ring_capacity()};
    (*env)->SetIntArrayRegion(env, out, 0, 4, values);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_install(JNIEnv *env, jclass cls,
                                                                        jint signo)
{
    (void)env;
    (void)cls;
    return sb_platform_install(signo);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_uninstall(JNIEnv *env, jclass cls,
                                                                          jint signo)
{
    (void)env;
    (void)cls;
    int outcome = SB_UNINSTALL_NOT_INSTALLED;
    int rc = sb_platform_uninstall(signo, &outcome);
    return rc != 0 ? -rc : outcome;
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_disposition(JNIEnv *env,
                                                                            jclass cls,
                                                                            jint signo)
{
    (void)env;
    (void)cls;
    return sb_platform_disposition(signo);
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_NativeSignals_handlerAddress(JNIEnv *env,
                                                                                jclass cls,
                                                                                jint signo)
{
    (void)env;
    (void)cls;
    return (jlong)sb_platform_handler_address(signo);
}

static void to_longs(const sb_event *e, jlong *out)
{
    out[0] = e->signo;
    out[1] = e->code;
    out[2] = e->pid;
    out[3] = e->uid;
    out[4] = e->value;
    out[5] = e->flags;
    out[6] = e->source;
    out[7] = e->nanos;
    out[8] = (jlong)e->sequence;
    out[9] = (jlong)e->coalesced;
    out[10] = e->tid;
    out[11] = (jlong)e->ticket;
    out[12] = e->overrun;
}

/*
 * When the JVM ends. HotSpot's exit, at its final safepoint, waits up to 300 ms, in steps of
 * 10 ms, for every Java thread that is in native code (VM_Exit::wait_for_threads_in_native_to_block,
 * from VM_Exit::doit and from the VM thread's exit in Threads::destroy_vm); the dispatcher
 * sleeps in native code. JVMTI's VMDeath comes before that wait, from before_exit(), after
 * the last shutdown hook returned: on_vm_death ends the native wait there, for good, and
 * waits (briefly) until the dispatcher is back in Java, so that HotSpot's first look finds
 * no thread in native code. See docs/ARCHITECTURE.md, "When the JVM ends".
 */
static atomic_bool vm_dying;
static atomic_bool dispatcher_in_native; /* inside awaitEvents */
static atomic_bool watching_vm_death;

#define LEAVE_NATIVE_BOUND_NANOS 100000000 /* 100 ms, a third of HotSpot's own bound */

static void pause_briefly(void)
{
#if defined(_WIN32)
    Sleep(1);
#else
    struct timespec pause = {0, 50000};
    nanosleep(&pause, NULL);
#endif
}

static void JNICALL on_vm_death(jvmtiEnv *jvmti, JNIEnv *env)
{
    (void)jvmti;
    (void)env;
    atomic_store(&vm_dying, true);
    sb_platform_stop_waiting();
    /* Also when System.exit runs on the dispatcher itself (a handler): it is not in here. */
    int64_t deadline = sb_clock_nanos() + LEAVE_NATIVE_BOUND_NANOS;
    while (atomic_load(&dispatcher_in_native) && sb_clock_nanos() < deadline) {
        pause_briefly();
    }
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_watchVmDeath(JNIEnv *env,
                                                                             jclass cls)
{
    (void)cls;
    if (atomic_exchange(&watching_vm_death, true)) {
        return 0;
    }
    JavaVM *vm = NULL;
    jvmtiEnv *jvmti = NULL;
    jint rc = (*env)->GetJavaVM(env, &vm);
    if (rc == JNI_OK) {
        /* An environment of our own, no capabilities: VMDeath needs none. */
        rc = (*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_2);
    }
    if (rc != JNI_OK) {
        atomic_store(&watching_vm_death, false);
        return rc; /* JNI_EVERSION, JNI_EDETACHED, ...: negative */
    }
    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof callbacks);
    callbacks.VMDeath = on_vm_death;
    jvmtiError err = (*jvmti)->SetEventCallbacks(jvmti, &callbacks, (jint)sizeof callbacks);
    if (err == JVMTI_ERROR_NONE) {
        err = (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_DEATH, NULL);
    }
    if (err != JVMTI_ERROR_NONE) {
        (*jvmti)->DisposeEnvironment(jvmti);
        atomic_store(&watching_vm_death, false);
        return (jint)err;
    }
    return 0;
}

/* The last drain after the stop went without a full batch: nothing more will come. */
static jint stopped_if_drained(uint32_t n, uint32_t max)
{
    return n < max ? (jint)n | io_sigbridge_internal_NativeSignals_AWAIT_STOPPED : (jint)n;
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_awaitEvents(JNIEnv *env,
                                                                            jclass cls,
                                                                            jlongArray buffer)
{
    (void)cls;
    jsize room = (*env)->GetArrayLength(env, buffer) / EVENT_LONGS;
    if (room <= 0) {
        return 0;
    }
    uint32_t max = room < BATCH ? (uint32_t)room : BATCH;
    sb_event events[BATCH];
    uint32_t n;
    bool stopping = false;
    atomic_store(&dispatcher_in_native, true);
    for (;;) {
        /* Before every drain, also after a wake-up: keep the signals installed now blocked on
         * this thread, and release those no longer installed. */
        sb_platform_consumer_refresh();
        n = sb_core_drain(events, max);
        if (atomic_load(&vm_dying)) {
            stopping = true; /* deliver what came before the end, then never wait again */
        }
        if (n > 0 || stopping) {
            break;
        }
        int rc = sb_platform_wait();
        if (rc == SB_WAIT_STOPPED) {
            stopping = true;
            continue; /* one more drain */
        }
        if (rc != 0) {
            atomic_store(&dispatcher_in_native, false);
            return -rc;
        }
    }
    jlong longs[BATCH * EVENT_LONGS];
    for (uint32_t i = 0; i < n; i++) {
        to_longs(&events[i], &longs[i * EVENT_LONGS]);
    }
    if (n > 0) {
        (*env)->SetLongArrayRegion(env, buffer, 0, (jsize)(n * EVENT_LONGS), longs);
    }
    atomic_store(&dispatcher_in_native, false);
    return stopping ? stopped_if_drained(n, max) : (jint)n;
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_NativeSignals_wake(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    sb_platform_wake();
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_chain(JNIEnv *env, jclass cls,
                                                                      jint signo, jint code,
                                                                      jint pid, jint uid,
                                                                      jint value, jint flags)
{
    (void)env;
    (void)cls;
    sb_event event = {0};
    event.signo = signo;
    event.code = code;
    event.pid = pid;
    event.uid = uid;
    event.value = value;
    event.flags = (uint16_t)flags;
    return sb_platform_chain(&event);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_setSynchronous(JNIEnv *env,
                                                                               jclass cls,
                                                                               jint signo,
                                                                               jint mode)
{
    (void)env;
    (void)cls;
    return sb_platform_set_synchronous(signo, mode);
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_NativeSignals_setSyncGraceMillis(JNIEnv *env,
                                                                                   jclass cls,
                                                                                   jint millis)
{
    (void)env;
    (void)cls;
    sb_platform_set_sync_grace_millis(millis);
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_NativeSignals_complete(JNIEnv *env, jclass cls,
                                                                         jint signo, jlong ticket)
{
    (void)env;
    (void)cls;
    sb_platform_complete(signo, (uint64_t)ticket);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_raise(JNIEnv *env, jclass cls,
                                                                      jint signo)
{
    (void)env;
    (void)cls;
    return sb_platform_raise(signo);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_kill(JNIEnv *env, jclass cls,
                                                                     jlong pid, jint signo)
{
    (void)env;
    (void)cls;
    return sb_platform_kill(pid, signo);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_sigqueue(JNIEnv *env, jclass cls,
                                                                         jlong pid, jint signo,
                                                                         jint value)
{
    (void)env;
    (void)cls;
    return sb_platform_sigqueue(pid, signo, value);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_killGroup(JNIEnv *env,
                                                                          jclass cls, jlong pgid,
                                                                          jint signo)
{
    (void)env;
    (void)cls;
    return sb_platform_kill_group(pgid, signo);
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_NativeSignals_stats(JNIEnv *env, jclass cls,
                                                                      jint slot, jlongArray out)
{
    (void)cls;
    sb_slot_stats stats;
    sb_core_stats(slot, &stats);
    jlong values[3] = {(jlong)stats.invocations, (jlong)stats.delivered, (jlong)stats.coalesced};
    (*env)->SetLongArrayRegion(env, out, 0, 3, values);
}

JNIEXPORT jstring JNICALL Java_io_sigbridge_internal_NativeSignals_errorText(JNIEnv *env,
                                                                             jclass cls,
                                                                             jint code)
{
    (void)cls;
    char text[256];
    sb_platform_error_text(code, text, sizeof text);
    return (*env)->NewStringUTF(env, text);
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_NativeSignals_nanoTime(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return sb_clock_nanos();
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_setpgid(JNIEnv *env, jclass cls,
                                                                        jlong pid, jlong pgid)
{
    (void)env;
    (void)cls;
    return sb_process_setpgid(pid, pgid);
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_NativeSignals_getpgid(JNIEnv *env, jclass cls,
                                                                         jlong pid)
{
    (void)env;
    (void)cls;
    return sb_process_getpgid(pid);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_becomeSubreaper(JNIEnv *env,
                                                                                jclass cls)
{
    (void)env;
    (void)cls;
    return sb_process_become_subreaper();
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_reap(JNIEnv *env, jclass cls,
                                                                     jlong pid)
{
    (void)env;
    (void)cls;
    return sb_process_reap(pid);
}

/* ===== run (issue 10, issue 13 item 8): exec of the bytes `java` was started with ===== */

/* One Java byte[] as a malloc'ed, NUL-terminated C string: the bytes as they are (no modified
 * UTF-8, no decoding). 0, EINVAL for a null array or one holding a NUL, ENOMEM. */
static int to_c_string(JNIEnv *env, jbyteArray bytes, char **out)
{
    *out = NULL;
    if (bytes == NULL) {
        return EINVAL;
    }
    jsize n = (*env)->GetArrayLength(env, bytes);
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        return ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, bytes, 0, n, (jbyte *)s);
    s[n] = '\0';
    if (memchr(s, '\0', (size_t)n) != NULL) {
        free(s); /* execve would cut the argument there */
        return EINVAL;
    }
    *out = s;
    return 0;
}

static void free_c_vector(char **vector)
{
    for (char **p = vector; p != NULL && *p != NULL; p++) {
        free(*p);
    }
    free(vector);
}

/* A Java byte[][] as a NULL-terminated C vector. On any failure (a null element, a NUL inside
 * one, malloc) nothing is left allocated and *out is NULL: never a shorter vector to exec. */
static int to_c_vector(JNIEnv *env, jobjectArray array, char ***out)
{
    *out = NULL;
    if (array == NULL) {
        return EINVAL;
    }
    jsize n = (*env)->GetArrayLength(env, array);
    char **vector = calloc((size_t)n + 1, sizeof *vector);
    if (vector == NULL) {
        return ENOMEM;
    }
    for (jsize i = 0; i < n; i++) {
        jbyteArray element = (jbyteArray)(*env)->GetObjectArrayElement(env, array, i);
        int rc = to_c_string(env, element, &vector[i]);
        if (element != NULL) {
            (*env)->DeleteLocalRef(env, element);
        }
        if (rc != 0) {
            free_c_vector(vector);
            return rc;
        }
    }
    *out = vector;
    return 0;
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_NativeSignals_exec(JNIEnv *env, jclass cls,
                                                                     jbyteArray path,
                                                                     jobjectArray argv,
                                                                     jobjectArray envp)
{
    (void)cls;
    char *c_path = NULL;
    char **c_argv = NULL, **c_envp = NULL;
    int rc = to_c_string(env, path, &c_path);
    if (rc == 0) {
        rc = to_c_vector(env, argv, &c_argv);
    }
    if (rc == 0) {
        rc = to_c_vector(env, envp, &c_envp);
    }
    if (rc == 0 && c_argv[0] == NULL) {
        rc = EINVAL; /* no argv[0] */
    }
    if (rc == 0) {
        rc = sb_process_exec(c_path, c_argv, c_envp);
    }
    free_c_vector(c_argv);
    free_c_vector(c_envp);
    free(c_path);
    return rc;
}
/* ===== end run ===== */
