/// The console's Mustache templates, kept in the binary (the offices' networks are closed and
/// the server ships as one file): no script, no outside asset. `{{…}}` escapes HTML, so a
/// record's text shows as text; `{{{…}}}` is used only for HTML the console made itself.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "queue": queue, "case": casePage, "error": error,
        "dashboard": dashboard, "reserveFund": reserveFund, "conflicts": conflicts, "users": users, "policy": policy, "password": password, "roll": roll, "due": due, "whatIf": whatIf,
    ]

    static let layout = """
    <!DOCTYPE html>
    <html lang="zh-CN">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · 兜底</title>
    <style>
    body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 0; color: #222; background: #f6f6f4; }
    header { background: #8b1a1a; color: #fff; padding: 0.6em 1.2em; display: flex; flex-wrap: wrap; align-items: center; gap: 1.2em; }
    header a { color: #fff; text-decoration: none; }
    header .brand { font-weight: bold; font-size: 1.2em; }
    header .who { margin-left: auto; font-size: 0.9em; }
    header form { display: inline; }
    header button { background: none; border: 1px solid #fff; color: #fff; padding: 0.2em 0.8em; cursor: pointer; }
    main { padding: 1em 1.5em; max-width: 80em; }
    h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; border-bottom: 1px solid #ccc; }
    table { border-collapse: collapse; background: #fff; margin: 0.5em 0; }
    th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; word-break: keep-all; }
    th { background: #eee; white-space: nowrap; }
    td.num { text-align: right; white-space: nowrap; }
    .flash { padding: 0.6em 1em; margin: 0.5em 0; border: 1px solid; }
    .flash.done { background: #eef7ee; border-color: #4a4; }
    .flash.error { background: #fbeeee; border-color: #c44; }
    pre.explain { background: #fff; border: 1px solid #ddd; padding: 0.6em; white-space: pre-wrap; font-size: 0.9em; }
    form.step { background: #fff; border: 1px solid #ccc; padding: 0.6em 1em; margin: 0.6em 0; }
    form.step label { display: inline-block; margin: 0.2em 1em 0.2em 0; }
    form.step .field-error { color: #b00; }
    .muted { color: #666; font-size: 0.9em; }
    nav.sub a { margin-right: 1em; }
    </style>
    </head>
    <body>
    <header>
    <a class="brand" href="/console">兜底 · 社会救助</a>
    {{#nav}}<a href="{{href}}">{{label}}</a>{{/nav}}
    {{#user}}<span class="who">{{name}}（{{role}}，{{org}}）</span>
    <form method="post" action="/console/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="logout">退出 Log out</button></form>{{/user}}
    </header>
    <main>
    {{#flash}}<div class="flash {{kind}}" id="flash">{{text}}</div>{{/flash}}
    {{{body}}}
    </main>
    </body>
    </html>
    """

    static let login = """
    <h1>登录 Sign in</h1>
    <p class="muted">镇(街道)审批人员与区民政局工作人员使用服务器上的账号登录；村(社区)信息采集员请使用笔记本上的 doudi。</p>
    <form method="post" action="/console/login" id="login-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="next" value="{{next}}">
    <p><label>用户名 User <input name="user" id="user" autocomplete="username" required value="{{user}}"></label></p>
    <p><label>密码 Password <input name="password" id="password" type="password" autocomplete="current-password" required></label></p>
    <p><button type="submit" id="sign-in">登录</button></p>
    </form>
    """

    static let error = """
    <h1>{{heading}}</h1>
    <p id="error-message">{{message}}</p>
    <p><a href="/console">返回首页 Back to the start page</a></p>
    """

    static let queue = """
    <h1>{{heading}}</h1>
    <nav class="sub">
    {{#links}}<a href="{{href}}">{{label}}</a>{{/links}}
    </nav>
    <form method="get" action="{{action}}" class="muted">测算日 <input type="date" name="date" value="{{date}}">
    <label><input type="checkbox" name="all" value="1" {{#all}}checked{{/all}}> 显示全部在办申请</label> <button type="submit">刷新</button></form>
    {{#has_rows}}
    <table id="queue">
    <thead><tr><th>申请</th><th>户主</th><th>村(社区)</th><th>救助项目</th><th>办理阶段</th><th>测算</th><th>下一步</th><th>评估依据</th></tr></thead>
    <tbody>
    {{#rows}}
    <tr data-application="{{application}}">
    <td><a href="/console/cases/{{id}}">{{application}}</a></td><td>{{head}}</td><td>{{village}}</td><td>{{programme}}</td>
    <td>{{stage}}</td><td class="num">{{assessed}}</td><td>{{next}}</td>
    <td><details><summary>{{verdict}}</summary><pre class="explain">{{explanation}}</pre></details>{{#warning}}<div class="field-error">注意：{{warning}}</div>{{/warning}}</td>
    </tr>
    {{/rows}}
    </tbody>
    </table>
    {{/has_rows}}
    {{^has_rows}}<p id="queue-empty">没有待办的申请 Nothing waits for a step by you on {{date}}.</p>{{/has_rows}}
    {{#sheet}}<form method="get" action="{{sheet}}" class="muted" id="sheet-form">公示表：公示单位 <input name="office" placeholder="默认 本镇(街道)人民政府" size="18">
    监督电话 <input name="phone" value="12345" size="14"> 张榜日期 <input type="date" name="posted"> <button type="submit">打开公示表（打印）</button></form>{{/sheet}}
    <p class="muted">测算 = 按政策版本 {{policy}} 对该户的评估（临时救助为申请的每人金额）。</p>
    """

    static let casePage = """
    <h1>{{programme}}申请 {{application}}：{{head}}（{{stage}}）</h1>
    <p class="muted">申请日期 {{date}} · 村(社区) {{villageName}}（{{village}}） · 户编号 {{household}}{{#summary}} · 困难情况：{{summary}}{{/summary}}</p>
    {{#notice}}<p id="notice-period">公示期 {{postedOn}} 至 {{through}}（{{days}} 天），{{firstDayAfter}} 起可审批。 <a href="{{sheet}}">公示表（打印）</a></p>{{/notice}}
    <h2>家庭 Household</h2>
    <table><tbody>
    <tr><th>家庭住址</th><td>{{address}}</td><th>户籍</th><td>{{hukou}}</td></tr>
    <tr><th>户类别</th><td>{{categories}}</td><th>状态</th><td>{{status}}</td></tr>
    </tbody></table>
    <table id="members"><thead><tr><th>姓名</th><th>性别</th><th>年龄</th><th>与户主关系</th><th>身份证号</th><th>劳动能力</th><th>健康状况</th><th>残疾</th></tr></thead><tbody>
    {{#members}}<tr><td>{{name}}</td><td>{{sex}}</td><td class="num">{{age}}</td><td>{{relation}}</td><td>{{residentID}}</td><td>{{labour}}</td><td>{{health}}</td><td>{{disability}}</td></tr>{{/members}}
    </tbody></table>
    <h2>评估 Assessment（{{policy}}，测算日 {{asOf}}）</h2>
    <pre class="explain" id="assessment">{{assessment}}</pre>
    <h2>家庭经济状况调查 Surveys</h2>
    {{#has_surveys}}<table><thead><tr><th>日期</th><th>调查人</th><th>收入项</th><th>月收入合计</th></tr></thead><tbody>
    {{#surveys}}<tr><td>{{date}}</td><td>{{surveyors}}</td><td>{{items}}</td><td class="num">{{total}}</td></tr>{{/surveys}}
    </tbody></table>{{/has_surveys}}{{^has_surveys}}<p>无</p>{{/has_surveys}}
    <h2>入户调查 Visits</h2>
    {{#has_visits}}<table><thead><tr><th>日期</th><th>调查人</th><th>结论</th></tr></thead><tbody>
    {{#visits}}<tr><td>{{date}}</td><td>{{visitors}}</td><td>{{conclusion}}</td></tr>{{/visits}}
    </tbody></table>{{/has_visits}}{{^has_visits}}<p>无</p>{{/has_visits}}
    <h2>办理记录 Steps taken</h2>
    <table id="history"><thead><tr><th>日期</th><th>步骤</th><th>办理人</th><th>阶段</th><th>说明</th></tr></thead><tbody>
    {{#history}}<tr><td>{{day}}</td><td>{{step}}</td><td>{{actor}}</td><td>{{stage}}</td><td>{{detail}}</td></tr>{{/history}}
    </tbody></table>
    {{#has_decisions}}<h2>审批决定 Decisions</h2><ul>{{#decisions}}<li>{{.}}</li>{{/decisions}}</ul>{{/has_decisions}}
    {{#fund}}<p id="reserve-fund">{{town}}临时救助备用金余额：<strong>{{balance}}</strong> 元</p>{{/fund}}
    <h2>下一步 Next steps</h2>
    {{^has_steps}}<p>{{closedText}}</p>{{/has_steps}}
    {{#steps}}
    <form class="step" method="post" action="/console/cases/{{id}}/steps/{{kind}}" id="step-{{kind}}">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <strong>{{title}}</strong> <span class="muted">{{hint}}</span><br>
    <label>日期 <input type="date" name="date" value="{{today}}" required></label>
    {{#fields}}
    {{#text}}<label>{{label}} <input name="{{name}}" value="{{value}}" {{#required}}required{{/required}}></label>{{/text}}
    {{#number}}<label>{{label}} <input name="{{name}}" type="number" min="0" value="{{value}}" {{#required}}required{{/required}}></label>{{/number}}
    {{#money}}<label>{{label}} <input name="{{name}}" inputmode="decimal" value="{{value}}" {{#required}}required{{/required}} size="10"> 元</label>{{/money}}
    {{#area}}<label>{{label}}<br><textarea name="{{name}}" rows="2" cols="60" {{#required}}required{{/required}}>{{value}}</textarea></label>{{/area}}
    {{#check}}<label><input type="checkbox" name="{{name}}" value="1"> {{label}}</label>{{/check}}
    {{#select}}<label>{{label}} <select name="{{name}}">{{#options}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{text}}</option>{{/options}}</select></label>{{/select}}
    {{/fields}}
    <button type="submit">{{title}}</button>
    </form>
    {{/steps}}
    """

    static let dashboard = """
    <h1>{{heading}}</h1>
    <nav class="sub">
    <a href="/console/dashboard.csv?month={{month}}" id="dashboard-csv">下载 CSV</a>
    {{#towns}}<a href="/console/towns/{{code}}">{{name}}待办</a>{{/towns}}
    </nav>
    <form method="get" action="/console/dashboard" class="muted">截至月份 <input name="month" value="{{month}}" size="8"> <button type="submit">刷新</button></form>
    <h2>各镇(街道)保障人数与月发放金额（{{month}}）By town</h2>
    <div id="chart-towns">{{{townChart}}}</div>
    <table id="dashboard-towns"><thead><tr><th>镇(街道)</th>{{#programmes}}<th>{{.}} 户/人/元</th>{{/programmes}}<th>合计金额</th></tr></thead><tbody>
    {{#townRows}}<tr><td>{{name}}</td>{{#cells}}<td class="num">{{.}}</td>{{/cells}}<td class="num">{{total}}</td></tr>{{/townRows}}
    </tbody></table>
    <h2>逐月发放金额 By month</h2>
    <div id="chart-months">{{{monthChart}}}</div>
    <table id="dashboard-months"><thead><tr><th>月份</th>{{#programmes}}<th>{{.}}</th>{{/programmes}}<th>合计</th></tr></thead><tbody>
    {{#monthRows}}<tr><td>{{month}}</td>{{#cells}}<td class="num">{{.}}</td>{{/cells}}<td class="num">{{total}}</td></tr>{{/monthRows}}
    </tbody></table>
    <p class="muted">按发放花名册计算（在保对象的月发放与当月一次性临时救助），金额单位：元。</p>
    """

    static let reserveFund = """
    <h1>{{town}} 临时救助备用金 Reserve fund</h1>
    <p id="fund-balance">余额 Balance：<strong>{{balance}}</strong> 元</p>
    <table><thead><tr><th>日期</th><th>类别</th><th>金额</th><th>说明</th></tr></thead><tbody>
    {{#entries}}<tr><td>{{date}}</td><td>{{kind}}</td><td class="num">{{amount}}</td><td>{{note}}</td></tr>{{/entries}}
    </tbody></table>
    {{#canAllocate}}
    <form class="step" method="post" action="/console/towns/{{code}}/reserve-fund" id="fund-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="entry" value="{{entry}}">
    <strong>拨付 / 补充备用金</strong><br>
    <label>日期 <input type="date" name="date" value="{{today}}" required></label>
    <label>类别 <select name="kind">{{#kinds}}<option value="{{value}}">{{text}}</option>{{/kinds}}</select></label>
    <label>金额 <input name="amount" inputmode="decimal" required size="12"> 元</label>
    <label>依据 <input name="note" size="40"></label>
    <button type="submit">登记</button>
    </form>
    {{/canAllocate}}
    """

    static let conflicts = """
    <h1>待处理的冲突 Conflicts to settle</h1>
    {{^has_rows}}<p id="conflicts-empty">没有待处理的冲突。</p>{{/has_rows}}
    {{#rows}}
    <form class="step" method="post" action="/console/conflicts/{{id}}/resolve">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <strong>{{title}}</strong><br><pre class="explain">{{detail}}</pre>
    {{#settleable}}<label>处理说明 <input name="note" required size="50"></label> <button type="submit">已处理（保留服务器当前值）</button>{{/settleable}}
    {{^settleable}}<span class="muted">由上级处理 settled above you</span>{{/settleable}}
    </form>
    {{/rows}}
    """

    static let users = """
    <h1>用户与设备 Users and devices</h1>
    <h2>用户 Users</h2>
    <table id="users"><thead><tr><th>账号</th><th>角色</th><th>单位</th><th>状态</th><th>操作</th></tr></thead><tbody>
    {{#users}}<tr data-user="{{user}}"><td>{{user}}</td><td>{{role}}</td><td>{{org}}</td><td>{{state}}</td><td>
    {{^self}}
    {{#disabled}}<form method="post" action="/console/users/{{path}}/enable" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">启用</button></form>{{/disabled}}
    {{^disabled}}<form method="post" action="/console/users/{{path}}/disable" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">停用</button></form>{{/disabled}}
    {{#locked}}<form method="post" action="/console/users/{{path}}/unlock" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">解锁</button></form>{{/locked}}
    <form method="post" action="/console/users/{{path}}/reset-password" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">重置密码</button></form>
    {{/self}}
    {{#self}}<a href="/console/password">修改我的密码</a>{{/self}}
    </td></tr>{{/users}}
    </tbody></table>
    <h2>设备 Devices</h2>
    <table id="devices"><thead><tr><th>设备</th><th>用户</th><th>单位</th><th>最近登录</th><th>最近上传</th><th>已接收变更集</th><th>操作</th></tr></thead><tbody>
    {{#devices}}<tr><td>{{device}}</td><td>{{user}}</td><td>{{org}}</td><td>{{lastLogin}}</td><td>{{lastPush}}</td><td class="num">{{sequence}}</td><td>
    {{#revoked}}已停用{{/revoked}}{{^revoked}}<form method="post" action="/console/devices/{{path}}/revoke" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">停用（遗失）</button></form>{{/revoked}}
    </td></tr>{{/devices}}
    </tbody></table>
    """

    static let policy = """
    <h1>政策标准 Policy versions</h1>
    <table id="policies"><thead><tr><th>版本</th><th>名称</th><th>施行日期</th><th>低保标准(元/月)</th><th>价格临时补贴</th></tr></thead><tbody>
    {{#versions}}<tr><td>{{id}}</td><td>{{title}}</td><td>{{from}}</td><td class="num">{{dibao}}</td><td>{{subsidies}}</td></tr>{{/versions}}
    </tbody></table>
    {{#canPublish}}
    <form class="step" method="post" action="/console/policy/subsidy" id="subsidy-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <strong>发布价格临时补贴（§3.5）</strong> <span class="muted">以现行版本为底，新增补贴，作为新版本发布</span><br>
    <label>新版本号 <input name="version" required></label>
    <label>名称 <input name="title" required size="30"></label>
    <label>起始月 <input name="from" placeholder="2026-12" required size="8"></label>
    <label>截止月 <input name="through" placeholder="2027-02" required size="8"></label>
    <label>每人每月 <input name="amount" inputmode="decimal" required size="8"> 元</label><br>
    发放对象 {{#programmes}}<label><input type="checkbox" name="groups" value="{{value}}"> {{text}}</label>{{/programmes}}
    <br><button type="submit">发布</button>
    </form>
    <form class="step" method="post" action="/console/policy/what-if" id="what-if-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <strong>草案测算 What a draft would do</strong> <span class="muted">粘贴政策草案（JSON），按某月测算保障户数、人数和金额的变化；不发布</span><br>
    <textarea name="json" rows="6" cols="90" required></textarea><br>
    <label>测算月份 <input name="month" placeholder="默认施行当月" size="8"></label>
    <button type="submit">测算</button> <button type="submit" name="format" value="csv">下载 CSV</button>
    </form>
    <form class="step" method="post" action="/console/policy" id="policy-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <strong>发布新政策版本</strong> <span class="muted">粘贴政策文件（JSON，格式见 docs/POLICY-FILE.md，含新的 id 和施行日期）</span><br>
    <textarea name="json" rows="8" cols="90" required></textarea><br>
    <button type="submit">发布</button>
    </form>
    {{/canPublish}}
    """

    static let whatIf = """
    <h1>{{title}}</h1>
    <p>现行 {{current}} · 草案 {{draft}} · 测算户数 {{households}}</p>
    <table id="what-if"><thead><tr>{{#columns}}<th>{{.}}</th>{{/columns}}</tr></thead><tbody>
    {{#rows}}<tr>{{#.}}<td>{{.}}</td>{{/.}}</tr>{{/rows}}
    </tbody></table>
    {{#has_changes}}<h2>变化的户 Households that change</h2>
    <table id="what-if-changes"><thead><tr>{{#changeColumns}}<th>{{.}}</th>{{/changeColumns}}</tr></thead><tbody>
    {{#changes}}<tr>{{#.}}<td>{{.}}</td>{{/.}}</tr>{{/changes}}
    </tbody></table><p class="muted">{{more}}</p>{{/has_changes}}
    <form method="post" action="/console/policy/what-if"><input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="month" value="{{month}}"><textarea name="json" hidden>{{json}}</textarea>
    <button type="submit" name="format" value="csv">下载 CSV</button></form>
    <p><a href="/console/policy">返回政策标准</a></p>
    """

    static let password = """
    <h1>修改密码 Change your password</h1>
    <form class="step" method="post" action="/console/password" id="password-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p><label>现在的密码 <input type="password" name="current" autocomplete="current-password" required></label></p>
    <p><label>新密码（至少 10 个字符） <input type="password" name="new" autocomplete="new-password" required minlength="10"></label></p>
    <p><label>再输入一次 <input type="password" name="confirm" autocomplete="new-password" required minlength="10"></label></p>
    <p><button type="submit">修改</button></p>
    </form>
    """

    static let roll = """
    <h1>{{title}}</h1>
    <form method="get" action="/console/towns/{{code}}/roll" class="muted">发放年月 <input name="month" value="{{month}}" size="8"> <button type="submit">刷新</button></form>
    <p>制表单位 {{issuer}} · {{households}} 户，{{persons}} 人，{{lines}} 行，合计 <strong id="roll-total">{{total}}</strong> 元</p>
    <table id="roll-totals"><thead><tr><th>乡镇</th><th>补贴项目</th><th>户数</th><th>人数</th><th>金额(元)</th></tr></thead><tbody>
    {{#totals}}<tr><td>{{town}}</td><td>{{programme}}</td><td class="num">{{households}}</td><td class="num">{{persons}}</td><td class="num">{{amount}}</td></tr>{{/totals}}
    </tbody></table>
    {{#has_warnings}}<h2>需要处理 Before the bank</h2><ul id="roll-warnings">{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul>{{/has_warnings}}
    {{#has_files}}<h2>下载 Files</h2><ul id="roll-files">{{#files}}<li><a href="{{href}}">{{label}}</a></li>{{/files}}</ul>
    <p class="muted">文件含完整身份证号和账号，请按规定保管。</p>{{/has_files}}
    {{#canReconcile}}
    <form class="step" method="post" action="/console/towns/{{code}}/roll/reconcile" enctype="multipart/form-data" id="reconcile-form">
    <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="month" value="{{month}}">
    <strong>登记银行回盘 Record the bank's answer</strong> <span class="muted">未到账的在补发年月的花名册上再发一次</span><br>
    <label>回盘文件 <input type="file" name="file" required></label>
    <label>银行格式 <select name="format">{{#formats}}<option value="{{value}}">{{text}}</option>{{/formats}}</select></label>
    <label>回盘日期 <input type="date" name="date" value="{{today}}"></label>
    <label>补发年月 <input name="carryTo" placeholder="默认下月" size="8"></label>
    <button type="submit">登记</button>
    </form>
    {{/canReconcile}}
    """

    static let due = """
    <h1>{{heading}}</h1>
    <form method="get" action="/console/due" class="muted">往后 <input name="within" value="{{within}}" size="4"> 天 <button type="submit">刷新</button></form>
    {{#has_rows}}
    <table id="due"><thead><tr><th>到期日</th><th>村(社区)</th><th>户</th><th>事项</th><th>姓名</th><th>身份证号</th><th>说明</th><th>依据</th></tr></thead><tbody>
    {{#rows}}<tr><td>{{due}}{{#overdue}} <strong>逾期</strong>{{/overdue}}</td><td>{{village}}</td><td>{{household}}</td><td>{{kind}}</td><td>{{name}}</td><td>{{residentID}}</td><td>{{detail}}</td><td>{{clause}}</td></tr>{{/rows}}
    </tbody></table>
    <p>其中逾期 {{overdue}} 项。</p>
    {{/has_rows}}
    {{^has_rows}}<p id="due-empty">没有到期事项（可把天数放长再看）。</p>{{/has_rows}}
    """
}
