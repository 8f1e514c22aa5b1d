import DoudiSync
import Hummingbird
import NIOCore

extension ServerError.Code {
    /// The HTTP status this kind of refusal is answered with.
    var status: HTTPResponse.Status {
        switch self {
        case .malformedRequest, .badParameter, .protocolVersion, .bundleMalformed, .bundleVersion, .bundleSignature, .bundleRecipient: .badRequest
        case .unauthenticated, .loginFailed, .tokenExpired, .tokenRevoked: .unauthorized
        case .authority, .scope, .accountLocked, .accountDisabled, .deviceAssigned, .deviceRevoked, .deviceKey, .passwordChangeRequired: .forbidden
        case .loginThrottled: .tooManyRequests
        case .notFound: .notFound
        case .alreadyResolved, .bundleStale: .conflict
        case .rejected, Self(rawValue: "validation"), Self(rawValue: "clock"), Self(rawValue: "sequence"), Self(rawValue: "dependency"):
            .unprocessableContent
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedEncoding: .unsupportedMediaType
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }
}

extension ServerError: HTTPResponseError {
    public var status: HTTPResponse.Status { code.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try WireJSON.response(body, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"doudi\"" }
        if let retryAfterSeconds { response.headers[.retryAfter] = "\(max(1, retryAfterSeconds))" }
        return response
    }

    /// Any error as the server answers it: its own errors as they are, Hummingbird's
    /// and NIO's by their status, decoding errors as `malformed-request`, and anything
    /// else as `internal` with a generic message (the caller logs the detail).
    static func translating(_ error: any Error) -> ServerError {
        switch error {
        case let error as ServerError:
            return error
        case is NIOTooManyBytesError:
            return ServerError(.bodyTooLarge, "the request body is larger than this server accepts: push fewer change sets at a time")
        case let error as HTTPError:
            let message = error.body ?? error.status.reasonPhrase
            switch error.status {
            case .notFound: return ServerError(.notFound, "no such endpoint: see docs/SERVER.md for the API")
            case .contentTooLarge: return ServerError(.bodyTooLarge, "the request body is larger than this server accepts: push fewer change sets at a time")
            case .badRequest: return ServerError(.malformedRequest, message)
            case .unauthorized: return ServerError(.unauthenticated, message)
            case .forbidden: return ServerError(.authority, message)
            default:
                return error.status.code < 500 ? ServerError(.malformedRequest, message)
                    : ServerError(.internal, "the server failed to answer: try again later; the server log has the details")
            }
        case let error as DecodingError:
            return ServerError(.malformedRequest, WireJSON.describe(error))
        case let error as LedgerError:
            switch error.code {
            case .notFound: return ServerError(.notFound, error.message)
            case .authority: return ServerError(.authority, error.message)
            case .alreadyResolved: return ServerError(.alreadyResolved, error.message)
            case .badParameter: return ServerError(.badParameter, error.message)
            case .busy: return ServerError(.unavailable, "the store is busy: \(error.message)")
            default: return ServerError(.internal, "the server failed to answer: try again later; the server log has the details")
            }
        default:
            return ServerError(.internal, "the server failed to answer: try again later; the server log has the details")
        }
    }
}

