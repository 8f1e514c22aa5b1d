import DoudiModel
import Foundation
import Hummingbird
import Logging

/// After a push (or a resolution, which may carry a change set) that was answered 200,
/// notes in the store when the device's highest accepted sequence grew, and when: what
/// `GET /v1/device` and the district's device list report as `lastPushAt`.
///
/// The answer is already made: a note that cannot be written is logged, not answered.
struct PushNoteMiddleware: RouterMiddleware {
    typealias Context = DoudiRequestContext
    let store: any ServerStore
    let clock: ServerClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard request.method == .post, response.status == .ok, let identity = context.identity else { return response }
        let path = request.uri.path
        guard path == "/v1/push" || (path.hasPrefix("/v1/conflicts/") && path.hasSuffix("/resolve")) else { return response }
        do {
            try await store.notePush(device: identity.device, at: clock.nowSeconds)
        } catch {
            context.logger.error("push time not noted", metadata: ["error.detail": "\(ErrorMiddleware<Context>.safeDetail(error))"])
        }
        return response
    }
}
