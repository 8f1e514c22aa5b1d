import DoudiModel
import DoudiSync
import Foundation
import Hummingbird
import Logging

/// Turns every error into an ``ErrorBody`` JSON with a code, a message and the status
/// the code calls for. Nothing leaves as a bare 500: an unexpected error becomes
/// `internal` with a generic message, and its type (never its text, which may hold
/// personal data) goes to the log.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let translated = ServerError.translating(error)
            if translated.code == .internal {
                context.logger.error("request failed", metadata: ["error.type": "\(String(reflecting: type(of: error)))",
                                                                  "error.detail": "\(Self.safeDetail(error))"])
            }
            return try translated.response(from: request, context: context)
        }
    }

    /// What of an error may be logged: the store's own errors and SQLite's codes, else the type only.
    static func safeDetail(_ error: any Error) -> String {
        switch error {
        case let error as ServerError: error.code.rawValue
        case let error as LedgerError: error.code.rawValue
        case let error as CancellationError: "\(error)"
        default: "\(type(of: error))"
        }
    }
}
