package dev.tokenstore.sqlite;

import dev.tokenstore.TokenStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Checks, before SQLite is asked, that the database file can be created and written: SQLite's
 * own errors for these cases ("unable to open database file") do not say what is wrong.
 */
final class SqliteFiles {
    private SqliteFiles() {
    }

    static void checkUsable(Path file) {
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new TokenStoreException(problem(file, "the directory " + dir + " does not exist"));
        }
        if (Files.isDirectory(file)) {
            throw new TokenStoreException(problem(file, "it is a directory"));
        }
        // SQLite creates the file, and in WAL mode its -wal and -shm files, next to it.
        if (!writable(dir)) {
            throw new TokenStoreException(problem(file, "the directory " + dir + " is read-only (SQLite must create "
                    + "the database and its -wal and -shm files there)"));
        }
        if (Files.exists(file) && !writable(file)) {
            throw new TokenStoreException(problem(file, "the file is read-only"));
        }
    }

    /**
     * Writable for this process, and not marked read-only for everyone: running as root, the
     * operating system would let us write anyway, but a mode without any write bit is a clear
     * "do not write here".
     */
    private static boolean writable(Path path) {
        if (!Files.isWritable(path)) {
            return false;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return true;
        }
        try {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            return perms.contains(PosixFilePermission.OWNER_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException e) {
            return true; // let SQLite report what it finds
        }
    }

    static String problem(Path file, String why) {
        return "cannot open the SQLite database " + file + ": " + why;
    }
}
