/*
 * sb_jni.c - the hand-written JNI bindings of io.sigbridge.internal.NativeSignals.
 *
 * Nothing here runs in signal context. Functions return 0 or an error code and
 * never throw: the Java side owns the typed exceptions, which keeps every JNI
 * call here trivially correct under -Xcheck:jni.
 */
#include <jni.h>
#include <string.h>

#include "../core/sb_core.h"
#include "../core/sb_platform.h"
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
    for (;;) {
        /* Before every drain, also after a wake-up: keep the signals installed now blocked on
         * this thread, and release those no longer installed. */
        sb_platform_consumer_refresh();
        if ((n = sb_core_drain(events, max)) > 0) {
            break;
        }
        int rc = sb_platform_wait();
        if (rc != 0) {
            return -rc;
        }
    }
    jlong longs[BATCH * EVENT_LONGS];
    for (uint32_t i = 0; i < n; i++) {
        to_longs(&events[i], &longs[i * EVENT_LONGS]);
    }
    (*env)->SetLongArrayRegion(env, buffer, 0, (jsize)(n * EVENT_LONGS), longs);
    return (jint)n;
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
