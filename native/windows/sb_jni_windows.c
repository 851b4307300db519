/*
 * sb_jni_windows.c - JNI bindings of io.sigbridge.internal.WindowsNatives: console modes, the
 * "handlers done" acknowledgement, console events, the hidden window and WM_CLOSE, children in
 * a new process group, and a few test-support calls. Like
 * sb_jni.c, nothing here throws: codes go back to Java.
 */
#include <jni.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "io_sigbridge_internal_WindowsNatives.h"
#include "sb_spawn.h"
#include "sb_windows.h"

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_consoleMode(JNIEnv *env,
                                                                             jclass cls,
                                                                             jint type, jint mode)
{
    (void)env;
    (void)cls;
    return sb_windows_console_mode(type, mode);
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_WindowsNatives_setGrace(JNIEnv *env, jclass cls,
                                                                          jint millis)
{
    (void)env;
    (void)cls;
    sb_windows_set_grace(millis);
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_WindowsNatives_handled(JNIEnv *env, jclass cls,
                                                                         jint slot, jlong ticket,
                                                                         jboolean consumed)
{
    (void)env;
    (void)cls;
    sb_windows_handled(slot, (uint64_t)ticket, consumed == JNI_TRUE);
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_sendConsoleEvent(JNIEnv *env,
                                                                                  jclass cls,
                                                                                  jint type,
                                                                                  jlong group)
{
    (void)env;
    (void)cls;
    return sb_windows_send_console_event(type, group);
}

JNIEXPORT jboolean JNICALL Java_io_sigbridge_internal_WindowsNatives_hasConsole(JNIEnv *env,
                                                                                jclass cls)
{
    (void)env;
    (void)cls;
    return sb_windows_has_console() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jstring JNICALL Java_io_sigbridge_internal_WindowsNatives_wineVersion(JNIEnv *env,
                                                                                jclass cls)
{
    (void)cls;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    FARPROC proc = ntdll != NULL ? GetProcAddress(ntdll, "wine_get_version") : NULL;
    if (proc == NULL) {
        return NULL;
    }
    const char *(__cdecl * get_version)(void);
    memcpy(&get_version, &proc, sizeof get_version);
    const char *version = get_version();
    return (*env)->NewStringUTF(env, version != NULL ? version : "unknown");
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_reattachConsoleForTest(JNIEnv *env,
                                                                                        jclass cls)
{
    (void)env;
    (void)cls;
    FreeConsole();
    return AllocConsole() ? 0 : (jint)GetLastError();
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_detachConsoleForTest(JNIEnv *env,
                                                                                      jclass cls)
{
    (void)env;
    (void)cls;
    return FreeConsole() ? 0 : (jint)GetLastError();
}

JNIEXPORT jboolean JNICALL Java_io_sigbridge_internal_WindowsNatives_runConsoleRoutineForTest(
    JNIEnv *env, jclass cls, jint type)
{
    (void)env;
    (void)cls;
    return sb_windows_run_console_routine(type) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jint JNICALL
Java_io_sigbridge_internal_WindowsNatives_passOnCtrlCThroughMsvcrtForTest(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return sb_windows_pass_on_ctrl_c_through_msvcrt();
}

JNIEXPORT void JNICALL Java_io_sigbridge_internal_WindowsNatives_abortForTest(JNIEnv *env,
                                                                             jclass cls)
{
    (void)env;
    (void)cls;
    abort();
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_startInNewProcessGroupForTest(
    JNIEnv *env, jclass cls, jstring command_line)
{
    (void)cls;
    jsize length = (*env)->GetStringLength(env, command_line);
    wchar_t *line = calloc((size_t)length + 1, sizeof(wchar_t));
    if (line == NULL) {
        return -(jlong)ERROR_NOT_ENOUGH_MEMORY;
    }
    (*env)->GetStringRegion(env, command_line, 0, length, (jchar *)line);
    STARTUPINFOW startup;
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    PROCESS_INFORMATION process;
    memset(&process, 0, sizeof process);
    BOOL ok = CreateProcessW(NULL, line, NULL, NULL, FALSE, CREATE_NEW_PROCESS_GROUP, NULL, NULL,
                             &startup, &process);
    DWORD error = ok ? 0 : GetLastError();
    free(line);
    if (!ok) {
        return -(jlong)error;
    }
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    return (jlong)process.dwProcessId;
}

/* ---- the hidden window (sb_window.c) ---- */

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_windowWanted(JNIEnv *env,
                                                                              jclass cls,
                                                                              jboolean wanted)
{
    (void)env;
    (void)cls;
    return sb_windows_window_wanted(wanted == JNI_TRUE);
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_postClose(JNIEnv *env,
                                                                            jclass cls, jlong pid)
{
    (void)env;
    (void)cls;
    return sb_windows_post_close(pid);
}

JNIEXPORT jstring JNICALL Java_io_sigbridge_internal_WindowsNatives_windowTitleForTest(JNIEnv *env,
                                                                                       jclass cls,
                                                                                       jlong pid)
{
    (void)cls;
    wchar_t title[128];
    int n = sb_windows_window_title(pid, title, 128);
    return n > 0 ? (*env)->NewString(env, (const jchar *)title, n) : NULL;
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_sendToWindowForTest(
    JNIEnv *env, jclass cls, jlong pid, jint msg, jlong wparam, jlong lparam, jint timeout_millis)
{
    (void)env;
    (void)cls;
    return sb_windows_send_to_window(pid, (unsigned)msg, (uint64_t)wparam, lparam,
                                     timeout_millis < 0 ? 0 : (unsigned)timeout_millis);
}

/* ---- ProcessGroups.start on Windows (sb_spawn.c) ---- */

/* A NUL-terminated copy of s (which may itself hold NULs, as an environment block does), two
 * NULs at the end; NULL for a null s. *failed is set when memory ran out. */
static wchar_t *wide_copy(JNIEnv *env, jstring s, int *failed)
{
    if (s == NULL) {
        return NULL;
    }
    jsize length = (*env)->GetStringLength(env, s);
    wchar_t *copy = calloc((size_t)length + 2, sizeof(wchar_t));
    if (copy == NULL) {
        *failed = 1;
        return NULL;
    }
    (*env)->GetStringRegion(env, s, 0, length, (jchar *)copy);
    return copy;
}

static void *handle_of(jlong h)
{
    return (void *)(intptr_t)h;
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_spawn(
    JNIEnv *env, jclass cls, jstring command_line, jstring environment, jstring directory,
    jintArray modes, jobjectArray paths, jboolean kill_on_close, jlongArray out)
{
    (void)cls;
    int failed = 0;
    jint mode_values[3] = {0, 0, 0};
    (*env)->GetIntArrayRegion(env, modes, 0, 3, mode_values);
    if ((*env)->ExceptionCheck(env)) {
        return ERROR_INVALID_PARAMETER;
    }
    int mode_ints[3] = {mode_values[0], mode_values[1], mode_values[2]};
    wchar_t *line = wide_copy(env, command_line, &failed);
    wchar_t *block = wide_copy(env, environment, &failed);
    wchar_t *dir = wide_copy(env, directory, &failed);
    wchar_t *path[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        jstring p = (jstring)(*env)->GetObjectArrayElement(env, paths, i);
        path[i] = wide_copy(env, p, &failed);
        if (p != NULL) {
            (*env)->DeleteLocalRef(env, p);
        }
    }
    int rc;
    sb_spawned spawned;
    memset(&spawned, 0, sizeof spawned);
    if (failed) {
        rc = ERROR_NOT_ENOUGH_MEMORY;
    } else {
        const wchar_t *const const_paths[3] = {path[0], path[1], path[2]};
        rc = sb_spawn(line, block, dir, mode_ints, const_paths, kill_on_close == JNI_TRUE,
                      &spawned);
    }
    jlong values[8] = {(jlong)spawned.pid,
                       (jlong)(intptr_t)spawned.process,
                       (jlong)(intptr_t)spawned.job,
                       (jlong)(intptr_t)spawned.parent_ends[0],
                       (jlong)(intptr_t)spawned.parent_ends[1],
                       (jlong)(intptr_t)spawned.parent_ends[2],
                       (jlong)spawned.failed_step,
                       (jlong)(intptr_t)spawned.thread};
    (*env)->SetLongArrayRegion(env, out, 0, 8, values);
    free(line);
    free(block);
    free(dir);
    for (int i = 0; i < 3; i++) {
        free(path[i]);
    }
    return rc;
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_resumeThread(JNIEnv *env,
                                                                              jclass cls,
                                                                              jlong thread)
{
    (void)env;
    (void)cls;
    return sb_spawn_resume(handle_of(thread));
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_waitForProcess(JNIEnv *env,
                                                                                jclass cls,
                                                                                jlong process,
                                                                                jint millis)
{
    (void)env;
    (void)cls;
    return sb_spawn_wait(handle_of(process), millis < 0 ? INFINITE : (uint32_t)millis);
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_exitCode(JNIEnv *env,
                                                                           jclass cls,
                                                                           jlong process)
{
    (void)env;
    (void)cls;
    return sb_spawn_exit_code(handle_of(process));
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_terminateJob(JNIEnv *env,
                                                                              jclass cls,
                                                                              jlong job,
                                                                              jint exit_code)
{
    (void)env;
    (void)cls;
    return sb_spawn_terminate_job(handle_of(job), (uint32_t)exit_code);
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_activeProcesses(JNIEnv *env,
                                                                                  jclass cls,
                                                                                  jlong job)
{
    (void)env;
    (void)cls;
    return sb_spawn_active_processes(handle_of(job));
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_closeHandle(JNIEnv *env,
                                                                             jclass cls,
                                                                             jlong handle)
{
    (void)env;
    (void)cls;
    return sb_spawn_close(handle_of(handle));
}

#define SB_IO_CHUNK 65536

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_readHandle(
    JNIEnv *env, jclass cls, jlong handle, jbyteArray bytes, jint offset, jint length)
{
    (void)cls;
    if (length <= 0) {
        return 0;
    }
    uint32_t n = length > SB_IO_CHUNK ? SB_IO_CHUNK : (uint32_t)length;
    void *buffer = malloc(n);
    if (buffer == NULL) {
        return -(jlong)ERROR_NOT_ENOUGH_MEMORY;
    }
    int64_t got = sb_spawn_read(handle_of(handle), buffer, n);
    if (got > 0) {
        (*env)->SetByteArrayRegion(env, bytes, offset, (jsize)got, buffer);
    }
    free(buffer);
    return (jlong)got;
}

JNIEXPORT jint JNICALL Java_io_sigbridge_internal_WindowsNatives_writeHandle(
    JNIEnv *env, jclass cls, jlong handle, jbyteArray bytes, jint offset, jint length)
{
    (void)cls;
    while (length > 0) {
        uint32_t n = length > SB_IO_CHUNK ? SB_IO_CHUNK : (uint32_t)length;
        void *buffer = malloc(n);
        if (buffer == NULL) {
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        (*env)->GetByteArrayRegion(env, bytes, offset, (jsize)n, buffer);
        int rc = sb_spawn_write(handle_of(handle), buffer, n);
        free(buffer);
        if (rc != 0) {
            return rc;
        }
        offset += (jint)n;
        length -= (jint)n;
    }
    return 0;
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_availableHandle(JNIEnv *env,
                                                                                  jclass cls,
                                                                                  jlong handle)
{
    (void)env;
    (void)cls;
    return sb_spawn_available(handle_of(handle));
}

JNIEXPORT jlong JNICALL Java_io_sigbridge_internal_WindowsNatives_handleCountForTest(JNIEnv *env,
                                                                                     jclass cls)
{
    (void)env;
    (void)cls;
    DWORD count = 0;
    if (!GetProcessHandleCount(GetCurrentProcess(), &count)) {
        return -(jlong)GetLastError();
    }
    if (count == 0) {
        /* Wine answers 0: count the handle values that are valid instead (multiples of 4). */
        DWORD flags;
        for (uintptr_t h = 4; h < (1u << 14); h += 4) {
            count += GetHandleInformation((HANDLE)h, &flags) ? 1 : 0;
        }
    }
    return (jlong)count;
}
