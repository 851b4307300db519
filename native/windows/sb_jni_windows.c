/*
 * sb_jni_windows.c - JNI bindings of io.sigbridge.internal.WindowsNatives: console modes, the
 * "handlers done" acknowledgement, console events, and a few test-support calls. Like
 * sb_jni.c, nothing here throws: codes go back to Java.
 */
#include <jni.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "io_sigbridge_internal_WindowsNatives.h"
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
