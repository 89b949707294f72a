// swift-tools-version:6.1
import PackageDescription

/// Absolute path of the package root, for linker flags that name files in it.
let root = String(#filePath.dropLast("Package.swift".count))

/// Flags that make `libhylo.so` what the C ABI promises: the Swift runtime linked in statically,
/// only `hylo_*` symbols exported, and a versioned SONAME.
let sharedLibraryFlags: [String] = [
    "-static-stdlib",
    "-Xlinker", "--version-script=\(root)Sources/Hylo/hylo.map",
    "-Xlinker", "-soname=libhylo.so.0",
    // Every symbol must resolve now, not when a host program loads the library.
    "-Xlinker", "-z", "-Xlinker", "defs",
    // FoundationEssentials' static archive needs these, which autolinking misses.
    "-Xlinker", "-l_FoundationCollections", "-Xlinker", "-l_FoundationCShims", "-Xlinker", "-lswiftSynchronization",
]

/// Swift 5 language mode; on x86-64, code generation for AVX2 + FMA (Haswell, 2013, and later:
/// the x86-64-v3 level) so the elementwise kernels vectorize.
#if arch(x86_64)
let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5), .unsafeFlags(["-target-cpu", "haswell"])]
#else
let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5)]
#endif

let package = Package(
    name: "Hylo",
    products: [
        .library(name: "hylo", type: .dynamic, targets: ["Hylo"]),
        .executable(name: "hylo-cli", targets: ["hylo"]),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW"),
        .systemLibrary(name: "CHylo", path: "Sources/CHylo"),
        .target(name: "HyloCore", dependencies: ["CBLAS", "CFFTW"], swiftSettings: swift5),
        .target(name: "HyloNN", dependencies: ["HyloCore"], swiftSettings: swift5),
        .target(name: "HyloSBI", dependencies: ["HyloNN"], swiftSettings: swift5),
        .target(name: "HyloODE", dependencies: ["HyloNN"], swiftSettings: swift5),
        .target(name: "HyloPINN", dependencies: ["HyloNN"], swiftSettings: swift5),
        .target(name: "HyloOperators", dependencies: ["HyloNN"], swiftSettings: swift5),
        .target(name: "HyloTasks", dependencies: ["HyloSBI", "HyloODE"], swiftSettings: swift5),
        .target(
            name: "Hylo", dependencies: ["HyloNN", "HyloSBI", "HyloODE", "HyloPINN", "HyloOperators", "HyloTasks", "CHylo"], exclude: ["hylo.map"], swiftSettings: swift5,
            linkerSettings: [.unsafeFlags(sharedLibraryFlags)]),
        .executableTarget(name: "hylo", dependencies: ["HyloNN", "HyloSBI", "HyloODE", "HyloPINN", "HyloOperators", "HyloTasks"], swiftSettings: swift5),
        .testTarget(name: "HyloCoreTests", dependencies: ["HyloCore"], swiftSettings: swift5),
        .testTarget(name: "HyloNNTests", dependencies: ["HyloNN"], swiftSettings: swift5),
        .testTarget(name: "HyloSBITests", dependencies: ["HyloSBI", "HyloTasks"], swiftSettings: swift5),
        .testTarget(name: "HyloODETests", dependencies: ["HyloODE", "HyloNN", "HyloTasks"], swiftSettings: swift5),
        .testTarget(name: "HyloPINNTests", dependencies: ["HyloPINN", "HyloTasks"], swiftSettings: swift5),
        .testTarget(name: "HyloOperatorsTests", dependencies: ["HyloOperators", "HyloTasks"], swiftSettings: swift5),
    ]
)
