import CCurl
import DoudiSync
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 11's transport question: the pull pages of a scope fetched as bytes, not decoded, by
/// `URLSession` (what `doudi` uses; curl underneath on Linux) and by libcurl driven directly (one
/// easy handle, kept alive), both taking gzip, from the same server in the same run. What is left
/// when both are near is the server's time to read and splice the pages.
struct TransportFigures {
    var pages = 0
    /// Bytes after decompression.
    var bytes = 0
    var urlSession = 0.0
    var libcurl = 0.0
}

/// Fetches the same pages with each transport (after one untimed pass that finds the cursors), best of two.
func measureTransports(server: String, token: String, limit: Int, maxBytes: Int) async throws -> TransportFigures {
    var figures = TransportFigures()
    func url(_ after: Int64) -> String { "\(server)/v1/pull?after=\(after)&limit=\(limit)&maxBytes=\(maxBytes)&protocolVersion=2" }
    func request(_ text: String) -> URLRequest {
        var r = URLRequest(url: URL(string: text)!, timeoutInterval: 120)
        r.setValue("application/json", forHTTPHeaderField: "Accept")
        r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return r
    }
    var urls: [String] = []
    var after: Int64 = 0
    while true {
        urls.append(url(after))
        let (data, _) = try await URLSession.shared.data(for: request(urls[urls.count - 1]))
        let page = try PullResponse(wire: data)
        figures.bytes += data.count
        guard page.hasMore else { break }
        after = page.cursor
    }
    figures.pages = urls.count

    var best = Double.infinity
    for _ in 0..<2 {
        best = min(best, try await seconds {
            for u in urls {
                let (data, response) = try await URLSession.shared.data(for: request(u))
                guard (response as? HTTPURLResponse)?.statusCode == 200, !data.isEmpty else { throw BenchFailure("URLSession: \(u) failed") }
            }
        })
    }
    figures.urlSession = best

    let curl = try CurlFetcher(token: token)
    best = .infinity
    for _ in 0..<2 {
        best = min(best, try seconds { for u in urls { guard try curl.get(u) > 0 else { throw BenchFailure("libcurl: \(u) was empty") } } })
    }
    figures.libcurl = best
    return figures
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One libcurl easy handle, reused (its connection kept alive), gzip taken and decoded by curl.
final class CurlFetcher {
    private let handle: UnsafeMutableRawPointer
    private var headers: UnsafeMutablePointer<curl_slist>?
    /// What the last response wrote.
    private final class Sink { var data = Data() }
    private let sink = Sink()

    init(token: String) throws {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let handle = curl_easy_init() else { throw BenchFailure("curl_easy_init failed") }
        self.handle = handle
        headers = curl_slist_append(nil, "Authorization: Bearer \(token)")
        headers = curl_slist_append(headers, "Accept: application/json")
        doudi_curl_set_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers))
        doudi_curl_set_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding curl decodes, gzip among them
        doudi_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        doudi_curl_set_write(handle) { data, size, count, user in
            guard let data, let user else { return 0 }
            Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue().data.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        }
        doudi_curl_set_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
    }

    deinit {
        curl_slist_free_all(headers)
        curl_easy_cleanup(handle)
    }

    /// GETs `url`; returns the body's size.
    func get(_ url: String) throws -> Int {
        sink.data.removeAll(keepingCapacity: true)
        doudi_curl_set_string(handle, CURLOPT_URL, url)
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw BenchFailure("libcurl: \(String(cString: curl_easy_strerror(code)))") }
        var status = 0
        doudi_curl_get_response_code(handle, &status)
        guard status == 200 else { throw BenchFailure("libcurl: \(url) answered \(status)") }
        return sink.data.count
    }
}
