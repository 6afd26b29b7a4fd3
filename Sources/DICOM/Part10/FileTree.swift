#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds files to read or send: the regular files named, and those under the folders named,
/// walked recursively in name order. Symbolic links to folders are not followed, so a loop of
/// links cannot make a walk endless.
public enum FileTree {
    public static func regularFiles(under paths: [String]) -> [String] {
        var found: [String] = []
        for path in paths { walk(path, into: &found, followLink: true) }
        return found
    }

    private static func walk(_ path: String, into found: inout [String], followLink: Bool) {
        var info = stat()
        guard (followLink ? stat(path, &info) : lstat(path, &info)) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard let directory = opendir(path) else { return }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names.sorted() { walk(path + "/" + name, into: &found, followLink: false) }
        case S_IFREG:
            found.append(path)
        case S_IFLNK:
            // A link inside a walked folder: take it if it points at a regular file.
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG { found.append(path) }
        default:
            break
        }
    }
}
