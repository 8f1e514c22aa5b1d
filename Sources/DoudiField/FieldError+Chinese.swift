extension FieldError.Code {
    /// What kind of failure this is, in Chinese: the first half of a bilingual message
    /// (`doudi: 错误：找不到记录 (no household adc7 …)`); `nil` for a code without one, whose
    /// English message is shown alone.
    public var chineseName: String? {
        switch self {
        case .notInitialised: "本地数据库尚未初始化，请先运行 doudi init"
        case .validation: "输入有误"
        case .duplicate: "重复登记"
        case .notFound: "找不到记录"
        case .voided: "记录已注销"
        case .forbidden: "无权进行此操作"
        case .noChange: "没有要修改的内容"
        case .workflow: "不能办理此步骤"
        case .storeDamaged, .damaged: "本地数据库已损坏"
        case .locked: "本地数据库已锁定，请先运行 doudi unlock"
        case .wrongPassword: "密码错误"
        case .bundle: "数据包不能使用"
        default: nil
        }
    }
}
