package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The removal of stale {@code sigbridge-*} copies that Windows JVMs leave in the temporary
 * directory (issue 13 #7), on a real file system: only directories of this JVM's owner, no link
 * and no reparse point, are entered. A Windows junction cannot be made here; it reports
 * {@code isOther()}, which the same check refuses.
 */
class StaleCopyCleanupTest {
    @TempDir
    Path temp;

    private Path leftOver(String name) throws Exception {
        Path dir = Files.createDirectory(temp.resolve(name));
        Files.writeString(dir.resolve("sigbridge.dll"), "old copy");
        return dir;
    }

    private static void age(Path path) throws Exception {
        Files.setLastModifiedTime(path, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    }

    @Test
    void removesOnlyOldCopiesOfItsOwnOwnerAndFollowsNoLink() throws Exception {
        UserPrincipal me = Files.getOwner(temp);
        Path ours = leftOver("sigbridge-1");
        age(ours);
        Path young = leftOver("sigbridge-2"); // another JVM may be about to load it

        Path victim = Files.createDirectory(temp.resolve("victim"));
        Files.writeString(victim.resolve("precious.txt"), "keep me");
        Path link = Files.createSymbolicLink(temp.resolve("sigbridge-link"), victim);

        Path foreign = leftOver("sigbridge-foreign");
        UserPrincipal nobody = temp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        boolean chowned;
        try {
            Files.setOwner(foreign, nobody);
            chowned = true;
        } catch (java.io.IOException e) {
            chowned = false; // not root: the owner check is not exercised
        }
        age(foreign);

        NativeLibrary.removeStaleCopies(temp, me, System.currentTimeMillis() - 60_000, null);

        assertFalse(Files.exists(ours), "an old copy of ours is removed");
        assertTrue(Files.exists(young.resolve("sigbridge.dll")), "a young copy stays");
        assertTrue(Files.exists(victim.resolve("precious.txt")), "nothing behind a link is touched");
        assertTrue(Files.isSymbolicLink(link));
        assumeTrue(chowned, "cannot give a directory to nobody here (needs root)");
        assertTrue(Files.exists(foreign.resolve("sigbridge.dll")),
                "a directory another user made (it could be a junction to anywhere) is not entered");
    }
}
