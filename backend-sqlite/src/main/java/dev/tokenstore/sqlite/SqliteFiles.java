package dev.tokenstore.sqlite;

import dev.tokenstore.TokenStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before SQLite is asked, that the database file can be created and written: SQLite's
 * own errors for these cases ("unable to open database file") do not say what is wrong; and
 * creates a new database file owner-only.
 */
final class SqliteFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

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

    /**
     * Creates the database file owner-only (0600) if it does not exist yet, where the file system
     * has POSIX permissions; SQLite then gives its -wal and -shm files the same mode as the
     * database file. An existing file keeps its mode (a warning is logged if others may read it).
     */
    static void createPrivate(Path file) {
        if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) == null) {
            return; // no POSIX permissions here (e.g. Windows): the directory's ACLs apply
        }
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                // the umask may have removed bits only, never added; set exactly 0600 anyway
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: it set the mode
            } catch (IOException e) {
                throw new TokenStoreException(problem(file, "could not create it owner-only (0600)"), e);
            }
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                LOG.warn("the SQLite database {} can be read or written by other users ({}); "
                        + "chmod 600 it (and its -wal and -shm files)", file, PosixFilePermissions.toString(perms));
            }
        } catch (IOException e) {
            // let SQLite report what it finds
        }
    }

    static String problem(Path file, String why) {
        return "cannot open the SQLite database " + file + ": " + why;
    }
}
