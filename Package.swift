// swift-tools-version:6.0
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
    ],
    targets: [
        // zlib, for the Deflated Explicit VR Little Endian transfer syntax.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "DICOM",
            dependencies: ["CZlib"]
        ),
        .target(
            name: "DICOMNetwork",
            dependencies: [
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "Access",
            dependencies: ["DICOM"]
        ),
        .target(
            name: "Archive",
            dependencies: [
                "DICOM",
                "DICOMNetwork",
                "Access",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "RampartServer",
            dependencies: ["DICOM", "DICOMNetwork", "Access", "Archive"]
        ),
        .executableTarget(
            name: "rampart",
            dependencies: [
                "RampartServer",
                "DICOM",
                "DICOMNetwork",
                "Access",
                "Archive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
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
            dependencies: ["Access"]
        ),
        .testTarget(
            name: "ArchiveTests",
            dependencies: [
                "Archive", "Access", "DICOM", "DICOMNetwork",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "DICOMTests",
            dependencies: ["DICOM"]
        ),
        .testTarget(
            name: "DICOMNetworkTests",
            dependencies: [
                "DICOM",
                "DICOMNetwork",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
