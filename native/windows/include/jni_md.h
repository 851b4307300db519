/*
 * jni_md.h for win32 (x86_64), written for sigbridge's mingw-w64 cross build: the Linux JDK
 * that builds the jar has only include/linux/jni_md.h. Same definitions as the Windows JDK's.
 * On x86_64 __stdcall is ignored, so the exports stay undecorated (no --kill-at).
 */
#ifndef _JAVASOFT_JNI_MD_H_
#define _JAVASOFT_JNI_MD_H_

#ifndef JNIEXPORT
#define JNIEXPORT __declspec(dllexport)
#endif
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

/* LLP64: long is 32 bits on Windows, so jint is long as in the Windows JDK. */
typedef long jint;
typedef __int64 jlong;
typedef signed char jbyte;

#endif
