import ArgumentParser
import Foundation
import ObjectStorage

/// `rampart object-store`: check an S3-compatible store's configuration, and move files in and
/// out of it (sealed with a key file when one is given).
struct ObjectStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "object-store",
        abstract: "Check an S3-compatible object store, and put or get objects in it.",
        subcommands: [Check.self, Put.self, Get.self, List.self, CreateKey.self]
    )

    /// Where the store is and how to sign in to it.
    struct StoreOptions: ParsableArguments {
        @Argument(help: "s3://bucket/prefix?endpoint=URL&region=R&path-style=1&sse=AES256")
        var location: String

        @Option(help: "An AWS-style credentials file (default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment).")
        var credentialsFile: String?

        @Option(help: "The profile in the credentials file.")
        var profile = "default"

        @Option(help: "Multipart part size in MiB (at least 5).")
        var partSize = 16

        /// Runs `body` with a store whose HTTP client is shut down after.
        func withStore<T>(_ body: (S3ObjectStore) async throws -> T) async throws -> T {
            let location = try S3Location(parsing: self.location)
            let credentials = try credentialsFile.map { path throws(ObjectStoreError) in try S3Credentials.fromFile(path, profile: profile) }
                ?? S3Credentials.fromEnvironment()
            let client = S3ObjectStore.makeClient()
            do {
                let store = try S3ObjectStore(location: location, credentials: credentials, client: client, partSize: partSize << 20)
                let result = try await body(store)
                try await client.shutdown()
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    /// Reports an object store or encryption error as one line and exit 1.
    static func report(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ObjectStoreError {
            standardError("rampart: \(error)")
            throw ExitCode(1)
        } catch let error as EncryptionError {
            standardError("rampart: \(error)")
            throw ExitCode(1)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put, head, list, get and delete a probe object, and report each step.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await ObjectStoreCommand.report {
                try await store.withStore { store in
                    let key = ".rampart-check-" + UUID().uuidString.lowercased()
                    let probe = Array("rampart object store check \(key)\n".utf8)
                    print("store: \(store.location)")
                    try await store.put(bytes: probe, key: key)
                    print("put \(key): ok (\(probe.count) bytes)")
                    guard let head = try await store.head(key), head.size == probe.count else {
                        throw ObjectStoreError.invalidResponse("HEAD of the probe does not give its size back")
                    }
                    print("head: ok")
                    var listed = false
                    for try await object in store.list(prefix: ".rampart-check-") where object.key == key { listed = true }
                    guard listed else { throw ObjectStoreError.invalidResponse("the probe is not in the listing of its prefix") }
                    print("list: ok")
                    var bytes: [UInt8] = []
                    for try await chunk in try await store.stream(key) { bytes += chunk.readableBytesView }
                    guard bytes == probe else { throw ObjectStoreError.invalidResponse("GET gives other bytes than were put") }
                    print("get: ok")
                    try await store.delete(key)
                    guard try await store.head(key) == nil else { throw ObjectStoreError.invalidResponse("the probe is still there after DELETE") }
                    print("delete: ok")
                    print("object store check passed")
                }
            }
        }
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a file as KEY (multipart above the part size); with --key-file, sealed (AES-256-GCM) first.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The object key, under the location's prefix.") var key: String
        @Argument(help: "The file to store.") var file: String
        @Option(help: "Seal the object with this key file (see create-key) before it leaves.") var keyFile: String?

        func run() async throws {
            try await ObjectStoreCommand.report {
                try await store.withStore { store in
                    var source = file
                    if let keyFile {
                        source = temporaryPath(beside: file)
                        try await EnvelopeEncryption(keys: try KeyFileProvider(path: keyFile)).seal(file: file, to: source)
                    }
                    defer { if source != file { unlink(source) } }
                    let info = try await store.put(file: source, key: key)
                    print("put \(key): \(info.size) bytes\(keyFile == nil ? "" : " (sealed)")")
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the object KEY to a file; with --key-file, opened (checked and decrypted) on the way.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The object key, under the location's prefix.") var key: String
        @Argument(help: "The file to write.") var file: String
        @Option(help: "Open the object with this key file.") var keyFile: String?

        func run() async throws {
            try await ObjectStoreCommand.report {
                try await store.withStore { store in
                    guard let keyFile else {
                        let info = try await store.get(key, toFile: file)
                        print("get \(key): \(info.size) bytes")
                        return
                    }
                    let sealed = temporaryPath(beside: file)
                    defer { unlink(sealed) }
                    try await store.get(key, toFile: sealed)
                    try await EnvelopeEncryption(keys: try KeyFileProvider(path: keyFile)).open(file: sealed, to: file)
                    print("get \(key): opened with \(keyFile)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the objects under a prefix, one per line: size, a tab, the key.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "Only keys that start with this (inside the location's prefix).") var prefix = ""

        func run() async throws {
            try await ObjectStoreCommand.report {
                try await store.withStore { store in
                    for try await object in store.list(prefix: prefix) {
                        print("\(object.size)\t\(object.key)")
                    }
                }
            }
        }
    }

    struct CreateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-key",
            abstract: "Write a new encryption key file (32 random bytes, mode 0600); never overwrites one.")

        @Argument(help: "The key file to create.") var path: String

        func run() async throws {
            try await ObjectStoreCommand.report {
                try KeyFileProvider.create(at: path)
                let keyID = try KeyFileProvider(path: path).currentKeyID
                print("created \(path) (key \(keyID))")
            }
        }
    }
}

/// A fresh name next to `path` for an intermediate file (a sealed copy).
private func temporaryPath(beside path: String) -> String {
    let folder = (path as NSString).deletingLastPathComponent
    return (folder.isEmpty ? "." : folder) + "/.rampart-" + UUID().uuidString.lowercased() + ".tmp"
}
