#if canImport(Glibc)
import Glibc
#endif
import FuzzerDriver
import NIOCore
@testable import Web

/// A multipart/related body as STOW-RS receives it (`MultipartParser`). The input's first line is
/// the boundary, its next byte sets the size of the buffers the body arrives in (a network read
/// cuts anywhere, delimiters included); the rest is the body, fed buffer by buffer, then finished.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzMultipart(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let newline = bytes.firstIndex(of: 0x0A), newline + 1 < bytes.count else { return 0 }
    let boundary = String(decoding: bytes[..<newline], as: UTF8.self)
    guard var parser = try? MultipartParser(boundary: boundary) else { return 0 }
    // 1 to 4,081 bytes: single bytes cut every delimiter, larger odd sizes cut them anywhere.
    let chunkSize = Int(bytes[newline + 1]) * 16 + 1
    var at = newline + 2
    do {
        while at < bytes.count {
            let end = min(at + chunkSize, bytes.count)
            _ = try parser.feed(ByteBuffer(bytes: bytes[at..<end]))
            at = end
        }
        try parser.finish()
    } catch {
        return 0
    }
    return 0
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzMultipart))
