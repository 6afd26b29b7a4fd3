// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Rampart",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rampart", targets: ["rampart"]),
        .library(name: "DICOM", targets: ["DICOM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // swift-crypto 4 (SHA-256 of stored objects, scrypt for passwords); jwt-kit 5.7+ needs 4.x.
        .package(url: "https://github.com/apple/swift-crypto", "4.0.0"..<"5.0.0"),
        // The local certificate authority that `rampart init` creates.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.3.0"),
        // Graceful shutdown of `rampart serve`.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // rampart.yaml, the server's configuration file.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Short-lived bearer tokens (ES256 JWT) for DICOM user identity type 5.
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.0"),
        // DICOMweb and the REST API over HTTPS. Its swift-configuration support is left out (a
        // trait): rampart.yaml is the one configuration, read by RampartServer.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: ["FullFoundation"]),
        // Metrics: the libraries count through swift-metrics; `rampart serve` keeps them in a
        // Prometheus registry that /metrics renders.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        // The S3-compatible object store: an HTTP client over swift-nio with streamed request and
        // response bodies and connection pooling, so large blobs never sit whole in memory.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // The archive index on PostgreSQL, the scale-out alternative to the embedded SQLite.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // zlib, for the Deflated Explicit VR Little Endian transfer syntax.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // memfd_create(2): sealed blobs are opened into memory, never onto the data disk.
        .systemLibrary(
            name: "CMemoryFile",
            path: "Sources/CMemoryFile"
        ),
        // libjpeg-turbo's TurboJPEG API, for rendered images as image/jpeg.
        .systemLibrary(
            name: "CTurboJPEG",
            path: "Sources/CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        // CharLS, for the JPEG-LS transfer syntaxes (decoding both, encoding the lossless one).
        .systemLibrary(
            name: "CCharLS",
            path: "Sources/CCharLS",
            pkgConfig: "charls",
            providers: [.apt(["libcharls-dev"])]
        ),
        // OpenJPEG, for decoding JPEG 2000 and High-Throughput JPEG 2000.
        .systemLibrary(
            name: "COpenJPEG",
            path: "Sources/COpenJPEG",
            pkgConfig: "libopenjp2",
            providers: [.apt(["libopenjp2-7-dev"])]
        ),
        .target(
            name: "DICOM",
            dependencies: ["CZlib"]
        ),
        // The server's log: levels, the association or request a line belongs to, and text,
        // JSON or logfmt lines.
        .target(name: "Logs"),
        // Native pixel data rendered to 8-bit PNG and JPEG: modality and VOI LUTs, palettes, viewports.
        .target(
            name: "Imaging",
            dependencies: ["DICOM", "CZlib", "CTurboJPEG", "CCharLS", "COpenJPEG"]
        ),
        .target(
            name: "DICOMNetwork",
            dependencies: [
                "Logs",
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                // Timer.record(duration:)
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The exposure scanner: DICOM, TLS and web probes of endpoints, findings, reports.
        .target(
            name: "Scanner",
            dependencies: [
                "DICOM",
                "DICOMNetwork",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "Access",
            dependencies: [
                "DICOM",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        // De-identification: PS3.15 Annex E, the Basic Profile and its options, keyed remapping.
        .target(
            name: "Deidentify",
            dependencies: [
                "DICOM",
                .product(name: "Crypto", package: "swift-crypto"),
                // The masks file of burned-in annotation (YAML, or JSON).
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The audit log: events, PS3.15 A.5 messages, the tamper-evident local store, export.
        .target(
            name: "Audit",
            dependencies: [
                "Logs",
                "DICOM",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // Syslog export to a collector: TLS over TCP (RFC 5425) and UDP (RFC 5426).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Blobs in an S3-compatible object store (Signature V4 over async-http-client) and
        // envelope encryption at rest (AES-256-GCM, swift-crypto), for the scale-out archive.
        .target(
            name: "ObjectStorage",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Archive",
            dependencies: [
                "DICOM",
                "DICOMNetwork",
                "Access",
                // Blobs on S3 and sealed at rest (envelope encryption).
                "ObjectStorage",
                "CMemoryFile",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // TLS to PostgreSQL (sslmode=verify-full, sslrootcert).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // DICOMweb (QIDO-RS, WADO-RS, STOW-RS) over HTTPS, every request through the gate.
        .target(
            name: "Web",
            dependencies: [
                "Logs",
                "DICOM", "DICOMNetwork", "Access", "Audit", "Archive", "Imaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                // HTTPParserError, reported by HTTPParserErrorReporter.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Session tokens of the web UI: random bits, kept by their SHA-256.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // The web UI: plain HTML, CSS and JavaScript modules, served as they are.
            resources: [.copy("UI")]
        ),
        .target(
            name: "RampartServer",
            dependencies: [
                "Logs",
                "DICOM", "DICOMNetwork", "Access", "Audit", "Archive", "Web", "Scanner",
                // Decoding compressed objects for C-GET and C-MOVE peers that accept only uncompressed syntaxes.
                "Imaging",
                // PS3.15 Table E.1-1, from which the deidentified view is built.
                "Deidentify",
                // archive.blobs on an S3-compatible store.
                "ObjectStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Hashes of the files a backup copies.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "rampart",
            dependencies: [
                "Logs",
                "RampartServer",
                // The REST admin API's request and record types, which the command line shares.
                "Web",
                "DICOM",
                "DICOMNetwork",
                "Imaging",
                "Access",
                "Audit",
                "Archive",
                "Scanner",
                "Deidentify",
                // `rampart object-store`: check a store, put and get (sealed) objects.
                "ObjectStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The audit log at scale (Benchmarks/audit.py): a generated log of millions of events.
        .executableTarget(
            name: "rampart-audit-bench",
            dependencies: ["Audit", "RampartServer"],
            path: "Benchmarks/AuditBench"
        ),
        // The interop tests' SCP: DICOMNetwork over an in-memory index, no archive.
        .executableTarget(
            name: "rampart-test-scp",
            dependencies: [
                "DICOM",
                "DICOMNetwork",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestSCP"
        ),
        .testTarget(
            name: "AccessTests",
            dependencies: [
                "Access",
                "DICOM",
                .product(name: "X509", package: "swift-certificates"),
                // Crafting attack tokens by hand (HMAC with the public key, ES256 with another key).
                .product(name: "Crypto", package: "swift-crypto"),
                // An identity provider's RSA keys, for its tokens (RS256, PS256) in the OIDC tests.
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ArchiveTests",
            dependencies: [
                "Archive", "Access", "DICOM", "DICOMNetwork", "ObjectStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: [
                "Audit", "DICOM",
                // Tampering with the log as an attacker with the file would.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "RampartServerTests",
            dependencies: [
                "Logs",
                "RampartServer", "DICOM", "Access", "Audit", "Archive", "DICOMNetwork",
                // Key files for archive.encryption_key_file.
                "ObjectStorage",
                // PS3.15 Table E.1-1, which the deidentified view is checked against.
                "Deidentify",
                // A syslog collector over TLS in the test, with certificates from the local CA.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // DICOMweb through the router, in memory (HummingbirdTesting), and the multipart codec.
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Logs",
                "Web", "Access", "Archive", "DICOM", "Imaging",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "ObjectStorageTests",
            dependencies: [
                "ObjectStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                // HTTPClient.shared, for stores that are made but never sent a request.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "DeidentifyTests",
            dependencies: ["Deidentify", "DICOM"]
        ),
        .testTarget(
            name: "ScannerTests",
            dependencies: ["Scanner"]
        ),
        .testTarget(
            name: "LogsTests",
            dependencies: ["Logs"]
        ),
        .testTarget(
            name: "DICOMTests",
            dependencies: ["DICOM"]
        ),
        .testTarget(
            name: "ImagingTests",
            dependencies: ["Imaging", "DICOM", "CZlib"]
        ),
        .testTarget(
            name: "DICOMNetworkTests",
            dependencies: [
                "Logs",
                "DICOM",
                "DICOMNetwork",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The TLS errors an association reports as security failures.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harnesses (Fuzz/, Scripts/fuzz.sh): only with RAMPART_FUZZ=1, in their own build
// folder with `-sanitize=fuzzer,address`, which links the libFuzzer runtime they call.
if Context.environment["RAMPART_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzerDriver", path: "Fuzz/Driver"),
        .executableTarget(name: "fuzz-part10", dependencies: ["DICOM", "FuzzerDriver"], path: "Fuzz/Part10"),
        .executableTarget(name: "fuzz-dicom-json", dependencies: ["DICOM", "FuzzerDriver"], path: "Fuzz/DICOMJSON"),
        .executableTarget(name: "fuzz-codecs", dependencies: ["DICOM", "Imaging", "FuzzerDriver"], path: "Fuzz/Codecs"),
        .executableTarget(name: "fuzz-pdu", dependencies: [
            "DICOMNetwork", "FuzzerDriver", .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Fuzz/PDU"),
        .executableTarget(name: "fuzz-dimse-command", dependencies: [
            "DICOMNetwork", "FuzzerDriver", .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Fuzz/DIMSECommand"),
        // These two reach internal types (`@testable import`), which the debug build allows.
        .executableTarget(name: "fuzz-multipart", dependencies: [
            "Web", "FuzzerDriver", .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Fuzz/Multipart"),
        .executableTarget(name: "fuzz-query-keys", dependencies: ["DICOM", "DICOMNetwork", "Archive", "Web", "FuzzerDriver"],
                          path: "Fuzz/QueryKeys"),
    ]
}

// Micro-benchmarks (Benchmarks/RampartMicro, Scripts/micro-bench.sh): only with RAMPART_BENCH=1,
// in their own build folder (.build-bench), so normal builds never fetch or compile the
// benchmark package. The benchmark plugin finds its targets under Benchmarks/.
if Context.environment["RAMPART_BENCH"] != nil {
    package.dependencies += [
        // Allocation counts come from the MallocInterposer trait. Its other default trait,
        // RuntimeInterposer (ARC counts on Swift 6.3 Linux), is left off: it needs another
        // package (swift-runtime-interposer), which SwiftPM then neither fetches nor builds.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ]
    package.targets += [
        .executableTarget(
            name: "RampartMicro",
            dependencies: [
                "DICOM",
                "DICOMNetwork",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/RampartMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
}
