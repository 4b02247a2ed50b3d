/*
 * powercut: an LD_PRELOAD shim that records what each sync made durable, for tests that model a power cut
 * (io.parquetry.powercut.PowerCut assembles the post-cut tree from what is recorded here).
 *
 * Environment:
 *   POWERCUT_ROOT   absolute canonical directory; only files and directories at or under it are tracked
 *   POWERCUT_STATE  absolute directory outside the root, where the durable images are kept:
 *                     files/<dev>-<ino>-<birth>.img  the file's content as of its last barrier (sparse; its size is
 *                                                    the size)
 *                     dirs/<dev>-<ino>-<birth>       the directory's listing as of its last barrier: lines
 *                                                    "<ino> <type> <birth> <name>", type d, f, l or o; '%' and
 *                                                    newlines in names written as %25 and %0A
 *   POWERCUT_NO_BIRTH  optional; when set, every birth is written as 0 (for a reader that cannot see birth times)
 * Without both POWERCUT_ROOT and POWERCUT_STATE every call passes straight through.
 *
 * <birth> is the inode's birth time (statx), "<seconds>.<nanoseconds, 9 digits>", or 0 where the file system has
 * none. ext4 hands a freed inode number to the next new file at once: without the birth, a new file would inherit
 * the image of the dead one (a stale SQLite journal, say), and a listing that still names a deleted file would find
 * its successor's data.
 *
 * Barriers: fsync and fdatasync on an fd (a directory's listing, or a file's whole content and size), msync with
 * MS_SYNC (the mapped range of each file in it, and the file's size, as Linux's msync persists i_size with the range),
 * syncfs (every file and directory under the root on that fd's file system) and sync (all under the root).
 * sync_file_range is no barrier (it waits for no metadata and no device cache): it is forwarded untouched.
 *
 * The image is taken before the real call, so it holds no more than the call made durable: a test sees at worst
 * an older state than the disk would have, never a newer one.
 *
 * Build: gcc -shared -fPIC -O2 -o libpowercut.so powercut.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define PAGE 4096
#define CHUNK (1 << 20)

static char root[PATH_MAX];
static size_t root_len;
/* Shorter than a path by enough for the names the shim puts under it. */
static char state[PATH_MAX - 256];
static int enabled;
static int births;

/* One barrier at a time per process keeps the shim simple; the flock on an image orders processes. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Set while the shim works, so that nothing it calls can come back into it. */
static __thread int busy;

static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_msync)(void *, size_t, int);
static int (*real_syncfs)(int);
static void (*real_sync)(void);
static int (*real_sync_file_range)(int, off64_t, off64_t, unsigned int);

/* Looked up on first use, not in the constructor: a library's constructor may sync before ours has run. */
static void *next(const char *name, void **slot) {
    void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (f == NULL) {
        f = dlsym(RTLD_NEXT, name);
        __atomic_store_n(slot, f, __ATOMIC_RELEASE);
    }
    return f;
}

#define NEXT(name) ((__typeof__(real_##name)) next(#name, (void **) &real_##name))

static void child_after_fork(void) {
    /* A fork taken while another thread held the lock would leave the child's copy locked forever. */
    pthread_mutex_init(&lock, NULL);
}

__attribute__((constructor)) static void powercut_init(void) {
    const char *r = getenv("POWERCUT_ROOT");
    const char *s = getenv("POWERCUT_STATE");
    if (r == NULL || s == NULL || r[0] != '/' || s[0] != '/' || strlen(r) >= sizeof(root) || strlen(s) >= sizeof(state)) {
        return;
    }
    strcpy(root, r);
    root_len = strlen(root);
    while (root_len > 0 && root[root_len - 1] == '/') {
        root[--root_len] = '\0';
    }
    strcpy(state, s);
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/files", state);
    mkdir(dir, 0700);
    snprintf(dir, sizeof(dir), "%s/dirs", state);
    mkdir(dir, 0700);
    births = getenv("POWERCUT_NO_BIRTH") == NULL;
    pthread_atfork(NULL, NULL, child_after_fork);
    enabled = 1;
}

/* The inode's birth (see the header) of name in dirfd, or of dirfd itself for "". */
static void birth_of(int dirfd, const char *name, char *out, size_t size) {
    struct statx stx;
    int flags = AT_SYMLINK_NOFOLLOW | (name[0] == '\0' ? AT_EMPTY_PATH : 0);
    if (births && statx(dirfd, name, flags, STATX_BTIME, &stx) == 0 && (stx.stx_mask & STATX_BTIME) != 0) {
        snprintf(out, size, "%lld.%09u", (long long) stx.stx_btime.tv_sec, (unsigned) stx.stx_btime.tv_nsec);
    } else {
        snprintf(out, size, "0");
    }
}

static int under_root(const char *path) {
    return strncmp(path, root, root_len) == 0 && (path[root_len] == '\0' || path[root_len] == '/');
}

/* The path an fd was opened under, without the " (deleted)" that /proc adds for an unlinked file. */
static int fd_path(int fd, char *out, size_t size) {
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, size - 1);
    if (n <= 0) {
        return -1;
    }
    out[n] = '\0';
    static const char deleted[] = " (deleted)";
    size_t dl = sizeof(deleted) - 1;
    if ((size_t) n > dl && strcmp(out + n - dl, deleted) == 0) {
        out[n - dl] = '\0';
    }
    return out[0] == '/' ? 0 : -1;
}

static int is_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* Reads up to n bytes at off, zero-filling what lies beyond the end of the file. */
static int read_full(int fd, unsigned char *buf, size_t n, off_t off) {
    memset(buf, 0, n);
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(fd, buf + done, n - done, off + (off_t) done);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (r == 0) {
            break;
        }
        done += (size_t) r;
    }
    return 0;
}

static int write_full(int fd, const unsigned char *buf, size_t n, off_t off) {
    size_t done = 0;
    while (done < n) {
        ssize_t w = pwrite(fd, buf + done, n - done, off + (off_t) done);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        done += (size_t) w;
    }
    return 0;
}

/* The first offset at or after off that may hold data; end when there is none. Holes of both files are skipped. */
static off_t data_from(int fd, off_t off, off_t end) {
    off_t d = lseek(fd, off, SEEK_DATA);
    if (d < 0) {
        return errno == ENXIO ? end : off;
    }
    return d;
}

/* Makes pages [from, to) of img equal to those of src, writing only the pages that differ and leaving zeros as holes. */
static void copy_changed(int src, int img, off_t from, off_t to) {
    unsigned char *a = malloc(CHUNK);
    unsigned char *b = malloc(CHUNK);
    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        return;
    }
    off_t off = from;
    while (off < to) {
        off_t ds = data_from(src, off, to);
        off_t di = data_from(img, off, to);
        off_t d = (ds < di ? ds : di) & ~((off_t) PAGE - 1);
        if (d > off) {
            off = d;
            continue;
        }
        size_t n = (size_t) (to - off < CHUNK ? to - off : CHUNK);
        if (read_full(src, a, n, off) != 0 || read_full(img, b, n, off) != 0) {
            break;
        }
        for (size_t p = 0; p < n; p += PAGE) {
            size_t len = n - p < PAGE ? n - p : PAGE;
            if (memcmp(a + p, b + p, len) == 0) {
                continue;
            }
            if (len == PAGE && is_zero(a + p, len)
                    && fallocate(img, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off + (off_t) p, PAGE) == 0) {
                continue;
            }
            write_full(img, a + p, len, off + (off_t) p);
        }
        off += (off_t) n;
    }
    free(a);
    free(b);
}

/* Brings the image of src's inode up to date for [from, to) of the file, and to the file's current size. */
static void snapshot_file(int src, off_t from, off_t to) {
    struct stat st;
    if (fstat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
        return;
    }
    char birth[48];
    birth_of(src, "", birth, sizeof(birth));
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/files/%lu-%lu-%s.img", state, (unsigned long) st.st_dev, (unsigned long) st.st_ino, birth);
    int img = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (img < 0) {
        return;
    }
    /* The recorder and the converter may both sync one queue file: each waits for the other's copy. */
    while (flock(img, LOCK_EX) != 0 && errno == EINTR) {
    }
    if (ftruncate(img, st.st_size) == 0) {
        if (to > st.st_size) {
            to = st.st_size;
        }
        from &= ~((off_t) PAGE - 1);
        if (from < to) {
            copy_changed(src, img, from, to);
        }
    }
    flock(img, LOCK_UN);
    close(img);
}

static char type_of(mode_t mode) {
    return S_ISDIR(mode) ? 'd' : S_ISREG(mode) ? 'f' : S_ISLNK(mode) ? 'l' : 'o';
}

/* Writes the listing of the directory open as dfd to dirs/<dev>-<ino>, through a temporary file renamed into place. */
static void save_listing(int dfd, const struct stat *dst) {
    int own = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own < 0) {
        return;
    }
    DIR *d = fdopendir(own);
    if (d == NULL) {
        close(own);
        return;
    }
    char birth[48];
    birth_of(own, "", birth, sizeof(birth));
    char final[PATH_MAX];
    char tmp[PATH_MAX];
    snprintf(final, sizeof(final), "%s/dirs/%lu-%lu-%s", state, (unsigned long) dst->st_dev, (unsigned long) dst->st_ino, birth);
    snprintf(tmp, sizeof(tmp), "%s/dirs/.%lu-%lu-%s.%ld.%ld.tmp", state, (unsigned long) dst->st_dev, (unsigned long) dst->st_ino,
             birth, (long) getpid(), (long) syscall(SYS_gettid));
    FILE *out = fopen(tmp, "we");
    if (out == NULL) {
        closedir(d);
        return;
    }
    int ok = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        struct stat st;
        /* st_ino, not d_ino: the Java side matches these against stat's numbers. */
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;
        }
        birth_of(dirfd(d), e->d_name, birth, sizeof(birth));
        fprintf(out, "%lu %c %s ", (unsigned long) st.st_ino, type_of(st.st_mode), birth);
        for (const char *c = e->d_name; *c != '\0'; c++) {
            if (*c == '%' || *c == '\n') {
                fprintf(out, "%%%02X", (unsigned char) *c);
            } else {
                fputc(*c, out);
            }
        }
        fputc('\n', out);
    }
    closedir(d);
    if (ferror(out)) {
        ok = 0;
    }
    if (fclose(out) != 0) {
        ok = 0;
    }
    if (!ok || rename(tmp, final) != 0) {
        unlink(tmp);
    }
}

/* A barrier on one fd: the directory's listing or the whole file. */
static void barrier_fd(int fd) {
    char path[PATH_MAX];
    if (fd_path(fd, path, sizeof(path)) != 0 || !under_root(path)) {
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return;
    }
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    if (S_ISDIR(st.st_mode)) {
        /* Reopened through /proc so that an O_PATH descriptor can be read too. */
        int dfd = open(link, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            save_listing(dfd, &st);
            close(dfd);
        }
    } else if (S_ISREG(st.st_mode)) {
        /* Reopened for reading: the caller's descriptor may be write-only. */
        int src = open(link, O_RDONLY | O_CLOEXEC);
        if (src >= 0) {
            snapshot_file(src, 0, st.st_size);
            close(src);
        }
    }
}

/* Every directory and file at or under path that lives on dev (any, when all_devs), as after a barrier on each. */
static void walk(const char *path, dev_t dev, int all_devs) {
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        return;
    }
    struct stat st;
    if (fstat(dfd, &st) == 0 && (all_devs || st.st_dev == dev)) {
        save_listing(dfd, &st);
    }
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return;
    }
    struct dirent *e;
    char child[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= (int) sizeof(child)) {
            continue;
        }
        struct stat cst;
        if (fstatat(dirfd(d), e->d_name, &cst, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;
        }
        if (S_ISDIR(cst.st_mode)) {
            walk(child, dev, all_devs);
        } else if (S_ISREG(cst.st_mode) && (all_devs || cst.st_dev == dev)) {
            int src = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (src >= 0) {
                snapshot_file(src, 0, cst.st_size);
                close(src);
            }
        }
    }
    closedir(d);
}

/* syncfs: what is under the root on fd's file system. */
static void barrier_fs(int fd) {
    struct stat st;
    if (fstat(fd, &st) == 0) {
        walk(root_len == 0 ? "/" : root, st.st_dev, 0);
    }
}

/* msync: the part of [addr, addr + len) that maps each file under the root. */
static void barrier_range(uintptr_t addr, size_t len) {
    FILE *maps = fopen("/proc/self/maps", "re");
    if (maps == NULL) {
        return;
    }
    uintptr_t end = addr + len;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, maps) > 0) {
        unsigned long start, stop, ino;
        unsigned long long offset;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%lx-%lx %7s %llx %*x:%*x %lu %n", &start, &stop, perms, &offset, &ino, &pos) < 5 || pos == 0) {
            continue;
        }
        if (stop <= addr || start >= end || ino == 0) {
            continue;
        }
        char *path = line + pos;
        path[strcspn(path, "\n")] = '\0';
        /* A mapping of an unlinked file is named "... (deleted)"; it is nowhere a cut could find it. */
        if (path[0] != '/' || !under_root(path) || strstr(path, " (deleted)") != NULL) {
            continue;
        }
        int src = open(path, O_RDONLY | O_CLOEXEC);
        if (src < 0) {
            continue;
        }
        struct stat st;
        if (fstat(src, &st) == 0 && st.st_ino == ino) {
            uintptr_t from = addr > start ? addr : start;
            uintptr_t to = end < stop ? end : stop;
            off_t fo = (off_t) offset + (off_t) (from - start);
            snapshot_file(src, fo, fo + (off_t) (to - from));
        }
        close(src);
    }
    free(line);
    fclose(maps);
}

/* Runs the shim's side of a barrier with errno as the caller left it, unless the shim is off or already at work. */
#define BARRIER(work)                     \
    do {                                  \
        if (enabled && !busy) {           \
            int saved_errno = errno;      \
            busy = 1;                     \
            pthread_mutex_lock(&lock);    \
            work;                         \
            pthread_mutex_unlock(&lock);  \
            busy = 0;                     \
            errno = saved_errno;          \
        }                                 \
    } while (0)

int fsync(int fd) {
    BARRIER(barrier_fd(fd));
    int (*f)(int) = NEXT(fsync);
    if (f == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return f(fd);
}

int fdatasync(int fd) {
    BARRIER(barrier_fd(fd));
    int (*f)(int) = NEXT(fdatasync);
    if (f == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return f(fd);
}

int msync(void *addr, size_t len, int flags) {
    /* MS_ASYNC alone has been a no-op since Linux 2.6.19: no barrier. */
    if ((flags & MS_SYNC) != 0 && ((uintptr_t) addr & (PAGE - 1)) == 0) {
        BARRIER(barrier_range((uintptr_t) addr, len));
    }
    int (*f)(void *, size_t, int) = NEXT(msync);
    if (f == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return f(addr, len, flags);
}

int syncfs(int fd) {
    BARRIER(barrier_fs(fd));
    int (*f)(int) = NEXT(syncfs);
    if (f == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return f(fd);
}

void sync(void) {
    BARRIER(walk(root_len == 0 ? "/" : root, 0, 1));
    void (*f)(void) = NEXT(sync);
    if (f != NULL) {
        f();
    }
}

int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags) {
    int (*f)(int, off64_t, off64_t, unsigned int) = NEXT(sync_file_range);
    if (f == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return f(fd, offset, nbytes, flags);
}
