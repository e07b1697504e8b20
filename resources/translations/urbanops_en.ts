<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>ActionDialog</name>
    <message>
        <location filename="../../widgets/action_dialog.py" line="33" />
        <source>案件 %1：%2</source>
        <translation>Case %1: %2</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="42" />
        <source>派遣给</source>
        <translation>Assign to</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="46" />
        <source>请填写原因（必填）</source>
        <translation>Reason (required)</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="48" />
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="53" />
        <source>决定书文号</source>
        <translation>Decision no.</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="53" />
        <source>例：长城管罚字〔2026〕第0123号</source>
        <translation>e.g. 长城管罚字〔2026〕第0123号</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="54" />
        <source>处理决定</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="54" />
        <source>例：罚款人民币伍仟元</source>
        <translation>e.g. a fine of CNY 5,000</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="55" />
        <source>法律依据</source>
        <translation>Legal basis</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="55" />
        <source>例：《上海市建筑垃圾处理管理规定》</source>
        <translation>e.g. Shanghai Construction Waste Management Provisions</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="64" />
        <source>无罚款</source>
        <translation>No fine</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="65" />
        <source> 元</source>
        <translation> CNY</translation>
    </message>
    <message>
        <location filename="../../widgets/action_dialog.py" line="66" />
        <source>罚款金额</source>
        <translation>Fine</translation>
    </message>
</context>
<context>
    <name>AdminDialog</name>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="82" />
        <source>用户管理</source>
        <translation>User management</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="85" />
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="85" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="85" />
        <source>岗位</source>
        <translation>Roles</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="85" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="85" />
        <source>失败次数</source>
        <translation>Failed sign-ins</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="95" />
        <location filename="../../widgets/security/admin_dialog.py" line="188" />
        <source>新建用户</source>
        <translation>New user</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="96" />
        <location filename="../../widgets/security/admin_dialog.py" line="196" />
        <source>设置岗位</source>
        <translation>Set roles</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="97" />
        <location filename="../../widgets/security/admin_dialog.py" line="204" />
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="98" />
        <source>停用</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="99" />
        <location filename="../../widgets/security/admin_dialog.py" line="155" />
        <source>启用</source>
        <translation>Activate</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="127" />
        <source>已创建用户 %1</source>
        <translation>Created user %1</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="131" />
        <source>已设置 %1 的岗位</source>
        <translation>Roles of %1 set</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="135" />
        <source>已重置 %1 的密码</source>
        <translation>Password of %1 reset</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="139" />
        <source>已停用 %1</source>
        <translation>Deactivated %1</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="143" />
        <source>已启用 %1</source>
        <translation>Activated %1</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="155" />
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="157" />
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="183" />
        <source>两次输入的密码不一致</source>
        <translation>The passwords do not match</translation>
    </message>
</context>
<context>
    <name>BatchAssign</name>
    <message>
        <location filename="../../widgets/batch_assign.py" line="33" />
        <source>已派遣 %1 件给 %2</source>
        <translation>Dispatched %1 to %2</translation>
    </message>
    <message>
        <location filename="../../widgets/batch_assign.py" line="36" />
        <source>；数据库连接中断，%1 件已存入本地发件箱，恢复后按顺序提交</source>
        <translation>; database connection lost: %1 queued locally, applied in order when it returns</translation>
    </message>
    <message>
        <location filename="../../widgets/batch_assign.py" line="40" />
        <source>；%1 件未派遣（%2：%3）</source>
        <translation>; %1 not dispatched (%2: %3)</translation>
    </message>
</context>
<context>
    <name>CameraTile</name>
    <message>
        <location filename="../../widgets/video/tile.py" line="142" />
        <source>正在连接…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="145" />
        <source>离线 / 正在重试…</source>
        <translation>Offline / retrying…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="145" />
        <source>（%1 秒）</source>
        <translation> (%1 s)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="149" />
        <source>未打开</source>
        <translation>Not open</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="149" />
        <source>未配置视频流</source>
        <translation>No stream configured</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="155" />
        <source>视频流不可用：连接被拒绝</source>
        <translation>Stream unavailable: connection refused</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="156" />
        <source>视频流不可用：连接超时</source>
        <translation>Stream unavailable: timed out</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="157" />
        <source>视频流不可用：地址不存在</source>
        <translation>Stream unavailable: not found</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="158" />
        <source>视频流不可用：服务器返回错误</source>
        <translation>Stream unavailable: server error</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="159" />
        <source>视频流不可用：无法识别的视频数据</source>
        <translation>Stream unavailable: not a video stream</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="160" />
        <source>视频流不可用：服务器无有效应答</source>
        <translation>Stream unavailable: no valid answer from the server</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="161" />
        <source>视频流已中断</source>
        <translation>Stream interrupted</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="162" />
        <source>视频流不可用：网络错误</source>
        <translation>Stream unavailable: network error</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="163" />
        <source>视频流不可用</source>
        <translation>Stream unavailable</translation>
    </message>
</context>
<context>
    <name>CaseActionController</name>
    <message>
        <location filename="../../widgets/case_actions.py" line="82" />
        <source>调度员在派遣对话框中手动指定</source>
        <translation>Chosen by hand in the dispatch dialog</translation>
    </message>
</context>
<context>
    <name>CaseDetails</name>
    <message>
        <location filename="../../widgets/details_panel.py" line="281" />
        <source>时限</source>
        <translation>SLA</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="314" />
        <source>已脱敏</source>
        <translation>masked</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="304" />
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="189" />
        <source>详情</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="189" />
        <source>证据/视频</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="189" />
        <source>备注</source>
        <comment>tab</comment>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="190" />
        <source>历史</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="196" />
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="199" />
        <source>+%1 新</source>
        <translation>+%1 new</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="262" />
        <source>该案件没有证据文件</source>
        <translation>No evidence files for this case</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="276" />
        <source>当前环节时限倒计时（红：超期，黄：1 小时内到期）</source>
        <translation>Time left in the current step (red: overdue, amber: due within 1 h)</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="331" />
        <source>责任单位</source>
        <translation>Responsible unit</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="340" />
        <source>上报时间</source>
        <translation>Reported at</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="349" />
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="349" />
        <source>办理过程</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="333" />
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="334" />
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="335" />
        <source>紧急度</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="329" />
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="336" />
        <source>街道 / 社区</source>
        <translation>Subdistrict / community</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="337" />
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="330" />
        <source>处置人</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="338" />
        <source>环节时限</source>
        <translation>Step deadline</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="339" />
        <source>处置时限</source>
        <translation>Disposal deadline</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="332" />
        <source>上报人</source>
        <translation>Reporter</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="341" />
        <source>描述</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="342" />
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="306" />
        <source>已督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="308" />
        <source>返工 %1 次</source>
        <translation>Reworked %1×</translation>
    </message>
</context>
<context>
    <name>CaseNotesPanel</name>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="53" />
        <source>写备注，@中队/@队员/@用户 通知对方（回车发送）</source>
        <translation>Write a note; @squad/@officer/@user to notify them (Enter sends)</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="55" />
        <location filename="../../widgets/collab/notes_panel.py" line="122" />
        <source>附件…</source>
        <translation>Attach…</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="57" />
        <source>发送</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="60" />
        <source>申请移交…</source>
        <translation>Request handoff…</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="63" />
        <source>接收移交</source>
        <translation>Accept handoff</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="66" />
        <source>拒收…</source>
        <translation>Decline…</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="117" />
        <source>待接收移交：%1 → %2</source>
        <translation>Pending handoff: %1 → %2</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="122" />
        <source>附件（%1）</source>
        <translation>Attachments (%1)</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="156" />
        <source>选择附件</source>
        <translation>Choose attachments</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="157" />
        <source>图片、PDF、文本、视频 (*.jpg *.jpeg *.png *.pdf *.txt *.mp4)</source>
        <translation>Images, PDF, text, video (*.jpg *.jpeg *.png *.pdf *.txt *.mp4)</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="164" />
        <location filename="../../widgets/collab/notes_panel.py" line="167" />
        <source>申请移交</source>
        <translation>Request handoff</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="164" />
        <source>移交给（中队或处置单位编号，如 SQ005、U-GREEN）：</source>
        <translation>Hand off to (squad or unit id, e.g. SQ005, U-GREEN):</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="167" />
        <source>移交理由：</source>
        <translation>Reason for the handoff:</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="187" />
        <source>拒收移交</source>
        <translation>Decline handoff</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notes_panel.py" line="187" />
        <source>拒收理由：</source>
        <translation>Reason for declining:</translation>
    </message>
</context>
<context>
    <name>CaseQueue</name>
    <message>
        <location filename="../../widgets/case_queue.py" line="41" />
        <source>全部未结</source>
        <translation>All open</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="42" />
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="46" />
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="48" />
        <source>全部街道</source>
        <translation>All subdistricts</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="50" />
        <source>全部来源</source>
        <translation>All sources</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="53" />
        <source>仅超期</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="54" />
        <source>1 小时内到期</source>
        <translation>Due within 1 h</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="55" />
        <source>未超期、当前环节 1 小时内到期的案件（即将超期）</source>
        <translation>Cases not yet overdue whose current step falls due within the hour</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="57" />
        <source>筛选编号/地址</source>
        <translation>Filter id/address</translation>
    </message>
    <message>
        <location filename="../../widgets/case_queue.py" line="175" />
        <source>%1 / %2 件</source>
        <translation>%1 / %2 cases</translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../widgets/case_model.py" line="168" />
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <location filename="../../widgets/case_model.py" line="168" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/case_model.py" line="168" />
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../widgets/case_model.py" line="168" />
        <source>街道</source>
        <translation>Subdistrict</translation>
    </message>
    <message>
        <location filename="../../widgets/case_model.py" line="168" />
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../widgets/case_model.py" line="169" />
        <source>紧急度</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../widgets/case_model.py" line="169" />
        <source>处置人</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <location filename="../../widgets/case_model.py" line="169" />
        <source>时限</source>
        <translation>SLA</translation>
    </message>
</context>
<context>
    <name>CaseVideoPanel</name>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="76" />
        <source>视频核实 / 核查</source>
        <translation>Verify / check by camera</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="85" />
        <source>实时画面</source>
        <translation>Live view</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="86" />
        <source>上视频墙</source>
        <translation>To the video wall</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="87" />
        <source>上报时刻</source>
        <translation>At report time</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="88" />
        <source>现在</source>
        <translation>Now</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="94" />
        <source>播放证据视频</source>
        <translation>Play evidence video</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="154" />
        <source>（离线）</source>
        <translation> (offline)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="160" />
        <source>没有摄像头覆盖该案件位置</source>
        <translation>No camera covers this case's location</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="179" />
        <source>未配置录像服务</source>
        <translation>No recording service configured</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="182" />
        <source>上报时刻 %1</source>
        <translation>At report time %1</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="182" />
        <source>证据快照 %1</source>
        <translation>Evidence snapshot %1</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="183" />
        <location filename="../../widgets/video/case_panel.py" line="189" />
        <source>正在取图…</source>
        <translation>Fetching picture…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="188" />
        <source>现在（核查）</source>
        <translation>Now (check)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/case_panel.py" line="212" />
        <source>取图失败：%1</source>
        <translation>Could not fetch the picture: %1</translation>
    </message>
</context>
<context>
    <name>ClipDialog</name>
    <message>
        <location filename="../../widgets/replay/clips.py" line="40" />
        <source>正在生成录像…</source>
        <translation>Rendering the clip…</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/clips.py" line="50" />
        <source>演示摄像头为合成画面（按时刻确定生成）</source>
        <translation>Demo cameras show synthetic footage (rendered deterministically for the moment)</translation>
    </message>
</context>
<context>
    <name>ClipPlayer</name>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="60" />
        <location filename="../../widgets/video/clip_player.py" line="209" />
        <source>播放</source>
        <translation>Play</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="63" />
        <source>上一帧（,）</source>
        <translation>Previous frame (,)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="65" />
        <source>下一帧（.）</source>
        <translation>Next frame (.)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="73" />
        <location filename="../../widgets/video/clip_player.py" line="243" />
        <source>导出快照</source>
        <translation>Export snapshot</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="74" />
        <source>把当前帧存为 PNG</source>
        <translation>Save the current frame as PNG</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="81" />
        <source>速度</source>
        <translation>Speed</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="109" />
        <source>正在打开…</source>
        <translation>Opening…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="174" />
        <source>帧 %1/%2</source>
        <translation>Frame %1/%2</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="203" />
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../widgets/video/clip_player.py" line="245" />
        <source>快照保存失败</source>
        <translation>Saving the snapshot failed</translation>
    </message>
</context>
<context>
    <name>ClipWindow</name>
    <message>
        <location filename="../../widgets/video/video_ui.py" line="56" />
        <source>证据视频 — %1</source>
        <translation>Evidence video — %1</translation>
    </message>
</context>
<context>
    <name>ContextMenus</name>
    <message>
        <location filename="../../widgets/context_menus.py" line="27" />
        <source>打开详情</source>
        <translation>Open details</translation>
    </message>
    <message>
        <location filename="../../widgets/context_menus.py" line="28" />
        <source>在地图上定位</source>
        <translation>Show on the map</translation>
    </message>
    <message>
        <location filename="../../widgets/context_menus.py" line="29" />
        <source>复制案件编号</source>
        <translation>Copy case id</translation>
    </message>
    <message>
        <location filename="../../widgets/context_menus.py" line="46" />
        <source>查看队员</source>
        <translation>Show officer</translation>
    </message>
    <message>
        <location filename="../../widgets/context_menus.py" line="47" />
        <source>复制队员编号</source>
        <translation>Copy officer id</translation>
    </message>
    <message>
        <location filename="../../widgets/context_menus.py" line="56" />
        <source>派遣所选 %1 件案件给该队员</source>
        <translation>Dispatch the %1 selected cases to this officer</translation>
    </message>
    <message>
        <location filename="../../widgets/context_menus.py" line="63" />
        <source>派遣当前案件 %1 给该队员</source>
        <translation>Dispatch the selected case %1 to this officer</translation>
    </message>
</context>
<context>
    <name>DashboardDock</name>
    <message>
        <location filename="../../widgets/dashboard_dock.py" line="55" />
        <source>统计分析</source>
        <translation>Analytics</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard_dock.py" line="59" />
        <source>正在计算统计数据…</source>
        <translation>Computing the figures…</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard_dock.py" line="104" />
        <source>统计数据计算失败：%1</source>
        <translation>Computing the figures failed: %1</translation>
    </message>
</context>
<context>
    <name>DashboardPanel</name>
    <message>
        <location filename="../../widgets/dashboard.py" line="48" />
        <source>统计期</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="50" />
        <source>今日</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="51" />
        <source>近 7 天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="70" />
        <source>双击指标查看案件</source>
        <translation>Double-click an indicator to see its cases</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="82" />
        <source>近 7 天上报与结案</source>
        <translation>Reported and closed, last 7 days</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="83" />
        <source>来源构成</source>
        <translation>By source</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="84" />
        <source>类别构成</source>
        <translation>By category</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="85" />
        <source>未来 8 小时将超期</source>
        <translation>Due to breach in the next 8 hours</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="86" />
        <source>中队综合得分</source>
        <translation>Squad scores</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="99" />
        <source>上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../widgets/dashboard.py" line="100" />
        <source>结案</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <location filename="../../widgets/details_panel.py" line="413" />
        <source>在地图或列表中选择案件或队员以查看详情</source>
        <translation>Select a case or an officer on the map or in a list to see details</translation>
    </message>
</context>
<context>
    <name>DrillMode</name>
    <message>
        <location filename="../../widgets/drill_mode.py" line="122" />
        <source>演练</source>
        <translation>Drill</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="130" />
        <source>演练成绩…</source>
        <translation>Drill results…</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="139" />
        <source>已结束</source>
        <translation>finished</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="139" />
        <source>进行中</source>
        <translation>running</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="141" />
        <source>演练模式 %1 · 演练时间 %2 · ×%3 · 学员 %4 · 待到达案件 %5 · %6</source>
        <translation>DRILL %1 · drill time %2 · ×%3 · trainee %4 · cases still to come %5 · %6</translation>
    </message>
</context>
<context>
    <name>DrillResultsDialog</name>
    <message>
        <location filename="../../widgets/drill_mode.py" line="160" />
        <source>演练成绩</source>
        <translation>Drill results</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="165" />
        <source>学员</source>
        <translation>Trainee</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="165" />
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="165" />
        <source>派遣</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="165" />
        <source>按时</source>
        <translation>On time</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="165" />
        <source>平均响应(分)</source>
        <translation>Mean response (min)</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="166" />
        <source>平均到场(分)</source>
        <translation>Mean arrival (min)</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="166" />
        <source>跨辖区</source>
        <translation>Outside jurisdiction</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="166" />
        <source>资质不符</source>
        <translation>Not qualified</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="166" />
        <source>同实际派遣</source>
        <translation>Same as real</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="171" />
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../widgets/drill_mode.py" line="198" />
        <source>演练 %1：学员 %2 人，未派遣案件 %3 件，尚未到达 %4 件</source>
        <translation>Drill %1: %2 trainees, %3 cases not dispatched, %4 not yet arrived</translation>
    </message>
</context>
<context>
    <name>DutyUi</name>
    <message>
        <location filename="../../widgets/duty/hook.py" line="56" />
        <source>勤务</source>
        <translation>Duty</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/hook.py" line="58" />
        <location filename="../../widgets/duty/hook.py" line="108" />
        <source>排班表</source>
        <translation>Roster</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/hook.py" line="61" />
        <location filename="../../widgets/duty/hook.py" line="121" />
        <source>人员管理</source>
        <translation>Personnel</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/hook.py" line="63" />
        <source>刷新巡查覆盖率</source>
        <translation>Refresh patrol coverage</translation>
    </message>
</context>
<context>
    <name>EventTicker</name>
    <message>
        <location filename="../../widgets/event_ticker.py" line="85" />
        <source>%1 系统自动督办 %2 件超时案件（点击查看首件，悬停看全部）</source>
        <translation>%1 SLA timer escalated %2 overdue cases (click for the first, hover for all)</translation>
    </message>
</context>
<context>
    <name>EvidenceList</name>
    <message>
        <location filename="../../widgets/evidence_list.py" line="21" />
        <source>事件数据</source>
        <translation>Event data</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="22" />
        <source>抓拍</source>
        <translation>Snapshot</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="23" />
        <source>视频片段</source>
        <translation>Clip</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="24" />
        <source>备案记录</source>
        <translation>Registry record</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="25" />
        <source>识别轨迹</source>
        <translation>Sightings track</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="43" />
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="44" />
        <source>文件缺失</source>
        <translation>file missing</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="45" />
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="46" />
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="47" />
        <source>证据（%1）</source>
        <translation>Evidence (%1)</translation>
    </message>
</context>
<context>
    <name>FeedHealthIndicator</name>
    <message>
        <location filename="../../widgets/live_feed.py" line="40" />
        <source>定位</source>
        <translation>Positions</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="40" />
        <source>视频</source>
        <translation>Cameras</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="40" />
        <source>感知</source>
        <translation>Sensors</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="41" />
        <source>投诉</source>
        <translation>Complaints</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="44" />
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="44" />
        <source>重连中</source>
        <translation>reconnecting</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="44" />
        <source>未连接</source>
        <translation>not connected</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="48" />
        <source>无数据</source>
        <translation>no data</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="51" />
        <source>%1秒前</source>
        <translation>%1 s ago</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="53" />
        <source>%1分钟前</source>
        <translation>%1 min ago</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="54" />
        <source>%1小时前</source>
        <translation>%1 h ago</translation>
    </message>
    <message>
        <location filename="../../widgets/live_feed.py" line="65" />
        <source>%1：%2，最后消息 %3，消息 %4 条，拒收 %5 条</source>
        <translation>%1: %2, last message %3, %4 messages, %5 rejected</translation>
    </message>
</context>
<context>
    <name>HandoverWindow</name>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="55" />
        <source>交接班摘要</source>
        <translation>Shift handover</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="69" />
        <location filename="../../widgets/collab/handover_window.py" line="88" />
        <source>正在生成…</source>
        <translation>Generating…</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="72" />
        <source>导出 PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="76" />
        <source>接班班次</source>
        <translation>Incoming shift</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="98" />
        <source>在办 %1 件 · 已超时 %2 · 本班将超时 %3 · 督办 %4 · 挂账 %5 · 待接收移交 %6 · 工作站升级 %7</source>
        <translation>Open %1 · overdue %2 · will breach this shift %3 · supervised %4 · hung %5 · pending handoffs %6 · escalated workstation orders %7</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="103" />
        <source>本班将超时</source>
        <translation>Will breach this shift</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="103" />
        <source>已超时</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="104" />
        <source>督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="104" />
        <source>挂账</source>
        <translation>Hung</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="105" />
        <source>在办</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="109" />
        <source>待接收移交（%1）</source>
        <translation>Pending handoffs (%1)</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="112" />
        <source>工作站升级（%1）</source>
        <translation>Workstation escalations (%1)</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="115" />
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="115" />
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="115" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="115" />
        <source>街道</source>
        <translation>Subdistrict</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="115" />
        <source>承办</source>
        <translation>Holder</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="115" />
        <source>期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="116" />
        <source>标记</source>
        <translation>Flag</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="125" />
        <source>上一班新增</source>
        <translation>new last shift</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/handover_window.py" line="146" />
        <source>导出交接班摘要</source>
        <translation>Export handover digest</translation>
    </message>
</context>
<context>
    <name>LiveView</name>
    <message>
        <location filename="../../widgets/video/live_view.py" line="30" />
        <location filename="../../widgets/video/live_view.py" line="72" />
        <source>保存快照</source>
        <translation>Save snapshot</translation>
    </message>
    <message>
        <location filename="../../widgets/video/live_view.py" line="31" />
        <source>加入视频墙</source>
        <translation>Add to video wall</translation>
    </message>
    <message>
        <location filename="../../widgets/video/live_view.py" line="45" />
        <source>实时画面 — %1</source>
        <translation>Live view — %1</translation>
    </message>
    <message>
        <location filename="../../widgets/video/live_view.py" line="46" />
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../widgets/video/live_view.py" line="46" />
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../widgets/video/live_view.py" line="48" />
        <source>朝向</source>
        <translation>Heading</translation>
    </message>
    <message>
        <location filename="../../widgets/video/live_view.py" line="48" />
        <source>视角</source>
        <translation>Field of view</translation>
    </message>
    <message>
        <location filename="../../widgets/video/live_view.py" line="48" />
        <source>视距</source>
        <translation>Range</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <location filename="../../widgets/security/lock.py" line="33" />
        <source>屏幕已锁定</source>
        <translation>Screen locked</translation>
    </message>
    <message>
        <location filename="../../widgets/security/lock.py" line="41" />
        <source>输入密码解锁</source>
        <translation>Password to unlock</translation>
    </message>
    <message>
        <location filename="../../widgets/security/lock.py" line="44" />
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../widgets/security/lock.py" line="55" />
        <source>当前用户：%1（长时间无操作）</source>
        <translation>Signed in: %1 (idle)</translation>
    </message>
</context>
<context>
    <name>MainMenus</name>
    <message>
        <location filename="../../widgets/menus.py" line="56" />
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="57" />
        <source>导出离线地图（HTML）…</source>
        <translation>Export offline map (HTML)…</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="59" />
        <source>保存窗口截图（PNG）…</source>
        <translation>Save window screenshot (PNG)…</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="62" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="66" />
        <source>视图(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="74" />
        <source>恢复默认布局</source>
        <translation>Restore default layout</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="77" />
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="79" />
        <location filename="../../widgets/menus.py" line="143" />
        <source>快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="82" />
        <location filename="../../widgets/menus.py" line="153" />
        <source>关于 urbanops</source>
        <translation>About urbanops</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="108" />
        <source>导出离线地图</source>
        <translation>Export offline map</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="109" />
        <source>HTML 文件 (*.html)</source>
        <translation>HTML files (*.html)</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="114" />
        <source>已导出离线地图：%1（%2 件未结案件）</source>
        <translation>Offline map exported: %1 (%2 open cases)</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="115" />
        <source>导出失败</source>
        <translation>Export failed</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="116" />
        <source>正在导出离线地图…</source>
        <translation>Exporting the offline map…</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="123" />
        <source>保存窗口截图</source>
        <translation>Save window screenshot</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="124" />
        <source>PNG 图片 (*.png)</source>
        <translation>PNG images (*.png)</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="129" />
        <source>保存失败</source>
        <translation>Save failed</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="129" />
        <source>无法写入 %1</source>
        <translation>Cannot write %1</translation>
    </message>
    <message>
        <location filename="../../widgets/menus.py" line="146" />
        <source>&lt;h3&gt;urbanops %1&lt;/h3&gt;&lt;p&gt;长宁区城管指挥调度台（城管执法指挥派遣）。&lt;/p&gt;&lt;p&gt;地图数据：区界来自公开的 DataV 导出（未声明许可，部署时应换为官方图层）；道路与地铁 © OpenStreetMap 贡献者（ODbL）。街道、社区与网格边界为示意划分，非官方边界。&lt;/p&gt;&lt;p&gt;字体：文泉驿微米黑（Apache-2.0 / GPLv3 含字体例外）。地图导出内置 Leaflet（BSD-2-Clause）。&lt;/p&gt;&lt;p&gt;来源与许可详见 resources/*/PROVENANCE.md。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;urbanops %1&lt;/h3&gt;&lt;p&gt;Changning District urban-management command and dispatch console.&lt;/p&gt;&lt;p&gt;Map data: the district boundary comes from a public DataV export (no licence stated; replace it with the official layer when deploying); roads and metro © OpenStreetMap contributors (ODbL). Subdistrict, community and grid boundaries are an approximate partition, not official boundaries.&lt;/p&gt;&lt;p&gt;Font: WenQuanYi Micro Hei (Apache-2.0 / GPLv3 with font exception). Map exports embed Leaflet (BSD-2-Clause).&lt;/p&gt;&lt;p&gt;Sources and licences: resources/*/PROVENANCE.md.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../widgets/main_window.py" line="102" />
        <location filename="../../widgets/main_window.py" line="142" />
        <source>长宁区城管指挥调度台</source>
        <translation>Changning Urban Management Dispatch Console</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="138" />
        <source>工具栏</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="147" />
        <source>搜索：案件编号、队员、网格、街道/社区、地铁站（Ctrl+F）</source>
        <translation>Search: case id, officer, grid, subdistrict/community, metro station (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="159" />
        <source>全区</source>
        <translation>District</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="161" />
        <source>显示长宁全区（Ctrl+H）</source>
        <translation>Show the whole district (Ctrl+H)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="168" />
        <source>当前岗位</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="189" />
        <location filename="../../widgets/main_window.py" line="241" />
        <source>案件队列</source>
        <translation>Case queue</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="190" />
        <source>详情</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="193" />
        <source>加载中…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="195" />
        <location filename="../../widgets/main_window.py" line="315" />
        <source>队员</source>
        <translation>Officer</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="196" />
        <source>图层</source>
        <translation>Layers</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="197" />
        <source>队员与图层</source>
        <translation>Officers and layers</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="199" />
        <source>事件动态</source>
        <translation>Event ticker</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="224" />
        <source>正在启动…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="237" />
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="245" />
        <source>仅看超期</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="291" />
        <source>加载失败：%1</source>
        <translation>Loading failed: %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="293" />
        <source>数据库：异常</source>
        <translation>Database: error</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="351" />
        <source>已加载：案件 %1 件（在办 %2），队员 %3 人</source>
        <translation>Loaded: %1 cases (%2 open), %3 officers</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="509" />
        <source>未找到：%1</source>
        <translation>Not found: %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="565" />
        <source>回放模式只读，不能执行操作</source>
        <translation>Replay is read-only: actions cannot be run</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="581" />
        <source>当前岗位对该案件没有此操作</source>
        <translation>Your role has no such action on this case</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="587" />
        <source>已执行“%1”：%2</source>
        <translation>Done “%1”: %2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="595" />
        <source>“%1”未执行：%2</source>
        <translation>“%1” refused: %2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="636" />
        <source>北京时间</source>
        <translation>CST</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="641" />
        <source>数据源：异常 %1</source>
        <translation>Feed: error %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="644" />
        <source>数据源：未连接</source>
        <translation>Feed: not connected</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="647" />
        <source>数据源：模拟器启动中</source>
        <translation>Feed: simulator starting</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="649" />
        <location filename="../../widgets/main_window.py" line="657" />
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="649" />
        <source>延迟 %1 秒</source>
        <translation>%1 s behind</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="651" />
        <source>数据源：模拟器 ×%1 %2</source>
        <translation>Feed: simulator ×%1 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="657" />
        <source>数据库：%1 %2</source>
        <translation>Database: %1 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="657" />
        <source>异常</source>
        <translation>error</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="661" />
        <source>用户：%1（%2）</source>
        <translation>User: %1 (%2)</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <location filename="../../widgets/collab/notice_bar.py" line="44" />
        <source>发布通知…</source>
        <translation>Post notice…</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notice_bar.py" line="59" />
        <source>暂无全员通知</source>
        <translation>No notices</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/notice_bar.py" line="71" />
        <source>另有 %1 条</source>
        <translation>%1 more</translation>
    </message>
</context>
<context>
    <name>OfficerBoard</name>
    <message>
        <location filename="../../widgets/officer_board.py" line="51" />
        <source>中队 / 队员</source>
        <translation>Squad / officer</translation>
    </message>
    <message>
        <location filename="../../widgets/officer_board.py" line="51" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/officer_board.py" line="51" />
        <source>定位</source>
        <translation>Positions</translation>
    </message>
    <message>
        <location filename="../../widgets/officer_board.py" line="89" />
        <source>未编组</source>
        <translation>No squad</translation>
    </message>
    <message>
        <location filename="../../widgets/officer_board.py" line="122" />
        <source>在岗 %1/%2</source>
        <translation>On duty %1/%2</translation>
    </message>
    <message>
        <location filename="../../widgets/officer_board.py" line="123" />
        <source>忙 %1</source>
        <translation>Busy %1</translation>
    </message>
</context>
<context>
    <name>OfficerDetails</name>
    <message>
        <location filename="../../widgets/details_panel.py" line="384" />
        <source>当前任务</source>
        <translation>Current orders</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="389" />
        <source>编号</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="390" />
        <source>岗位</source>
        <translation>Roles</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="391" />
        <source>中队</source>
        <translation>Squad</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="392" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="393" />
        <source>最后定位</source>
        <translation>Last fix</translation>
    </message>
    <message>
        <location filename="../../widgets/details_panel.py" line="395" />
        <source>班次</source>
        <translation>Shift</translation>
    </message>
</context>
<context>
    <name>OutageMonitor</name>
    <message>
        <location filename="../../widgets/security/outage.py" line="77" />
        <source>（待提交 %1）</source>
        <translation> (%1 to send)</translation>
    </message>
    <message>
        <location filename="../../widgets/security/outage.py" line="81" />
        <source>数据库：连接中断，本地排队 %1 条</source>
        <translation>Database: connection lost, %1 queued locally</translation>
    </message>
    <message>
        <location filename="../../widgets/security/outage.py" line="96" />
        <source>恢复连接后有 %1 条命令被拒绝：%2</source>
        <translation>%1 queued command(s) refused after reconnecting: %2</translation>
    </message>
    <message>
        <location filename="../../widgets/security/outage.py" line="103" />
        <source>数据库已恢复：%1 条排队命令已按顺序提交</source>
        <translation>Database back: %1 queued command(s) applied in order</translation>
    </message>
</context>
<context>
    <name>PersonnelList</name>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="32" />
        <source>全部中队</source>
        <translation>All squads</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="40" />
        <location filename="../../widgets/duty/personnel_view.py" line="50" />
        <source>中队</source>
        <translation>Squad</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="50" />
        <source>编号</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="50" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="50" />
        <source>岗位</source>
        <translation>Roles</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="50" />
        <source>职级</source>
        <translation>Rank</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="50" />
        <source>执法证</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="51" />
        <source>有效期</source>
        <translation>Expires</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="51" />
        <source>终端</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="51" />
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="51" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/personnel_view.py" line="59" />
        <source>停用</source>
        <translation>Deactivate</translation>
    </message>
</context>
<context>
    <name>RecommendPanel</name>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="51" />
        <source>推荐队员（Alt+1…5 派遣）</source>
        <translation>Recommended officers (Alt+1…5 to dispatch)</translation>
    </message>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="53" />
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="53" />
        <source>队员</source>
        <translation>Officer</translation>
    </message>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="53" />
        <source>预计到达</source>
        <translation>ETA</translation>
    </message>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="53" />
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="59" />
        <source>跨辖区/无执法证派遣理由（需要时必填）</source>
        <translation>Reason for dispatch outside jurisdiction or without a certificate (required then)</translation>
    </message>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="87" />
        <source>%1 分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../../widgets/recommend_panel.py" line="93" />
        <source>派遣</source>
        <translation>Dispatched</translation>
    </message>
</context>
<context>
    <name>ReplayController</name>
    <message>
        <location filename="../../widgets/replay/controller.py" line="54" />
        <source>回放模式 / REPLAY — 长宁区城管指挥调度台</source>
        <translation>REPLAY — Changning Urban Management Command Console</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="56" />
        <source>回放</source>
        <translation>Replay</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="59" />
        <source>回放模式 / REPLAY · 只读 · 正在加载…</source>
        <translation>REPLAY · read-only · loading…</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="74" />
        <source>回放模式只读</source>
        <translation>Replay is read-only</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="99" />
        <source>回放文件</source>
        <translation>replay file</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="99" />
        <source>数据库（只读）</source>
        <translation>database (read-only)</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="100" />
        <source>回放模式 / REPLAY · 只读 · %1 %2 · %3 — %4</source>
        <translation>REPLAY · read-only · %1 %2 · %3 — %4</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="106" />
        <source>回放时间轴</source>
        <translation>Replay timeline</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="116" />
        <source>摄像头事件（回放时刻前后）</source>
        <translation>Camera events (around the replay time)</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="134" />
        <source>回放已加载：事件 %1 条，轨迹 %2 点，队员 %3 人（%4 秒）</source>
        <translation>Replay loaded: %1 events, %2 track points, %3 officers (%4 s)</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="150" />
        <source>全部轨迹已加载：%1 点</source>
        <translation>All tracks loaded: %1 points</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="173" />
        <source>请先选择一个案件</source>
        <translation>Select a case first</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="177" />
        <source>该案件在回放时段内没有后续事件</source>
        <translation>The case has no later event in the replay period</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="225" />
        <source>回放时间</source>
        <translation>replay time</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="266" />
        <source>（有录像）</source>
        <translation> (clip)</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="272" />
        <source>智能识别立案</source>
        <translation>AI detection → case</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="294" />
        <source>此版本没有视频模块</source>
        <translation>This build has no video module</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/controller.py" line="330" />
        <source>指标（%1）：</source>
        <translation>KPIs (%1): </translation>
    </message>
</context>
<context>
    <name>RosterCalendar</name>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="58" />
        <source>生成下周排班</source>
        <translation>Build next week's roster</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="60" />
        <source>按所选排班模式生成所选中队下周（周一至周日）的排班</source>
        <translation>Roster the selected squad for next week (Monday to Sunday) from the selected pattern</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="68" />
        <source>中队</source>
        <translation>Squad</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="70" />
        <source>周起始</source>
        <translation>Week of</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="72" />
        <source>排班模式</source>
        <translation>Pattern</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="104" />
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="104" />
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="104" />
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="104" />
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="104" />
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="104" />
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="105" />
        <source>周日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="124" />
        <source>%1 人，本周已排 %2 个班次（共 %3 格）</source>
        <translation>%1 officers, %2 of %3 officer-days rostered this week</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="137" />
        <source>已生成下周排班：%1 人，写入 %2 条事件</source>
        <translation>Next week's roster built: %1 officers, %2 events written</translation>
    </message>
    <message>
        <location filename="../../widgets/duty/roster_view.py" line="161" />
        <source>调整班次</source>
        <translation>Change shift</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../widgets/security/signin_dialog.py" line="32" />
        <source>登录 — 长宁区城管指挥调度台</source>
        <translation>Sign in — Changning Urban Management Dispatch Console</translation>
    </message>
    <message>
        <location filename="../../widgets/security/signin_dialog.py" line="35" />
        <source>请登录</source>
        <translation>Please sign in</translation>
    </message>
    <message>
        <location filename="../../widgets/security/signin_dialog.py" line="44" />
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../widgets/security/signin_dialog.py" line="45" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../widgets/security/signin_dialog.py" line="60" />
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../widgets/security/signin_dialog.py" line="61" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>SyncTile</name>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="59" />
        <source>正在载入录像…</source>
        <translation>Loading recording…</translation>
    </message>
</context>
<context>
    <name>TimelineWidget</name>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="78" />
        <location filename="../../widgets/replay/timeline.py" line="146" />
        <source>▶ 播放</source>
        <translation>▶ Play</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="87" />
        <source>◀ 上一事件</source>
        <translation>◀ Previous event</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="88" />
        <source>下一事件 ▶</source>
        <translation>Next event ▶</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="94" />
        <source>%1 秒</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="95" />
        <source>%1 分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="99" />
        <source>后退所选间隔</source>
        <translation>Back by the chosen interval</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="100" />
        <source>前进所选间隔</source>
        <translation>Forward by the chosen interval</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="105" />
        <source>跳转到 09:00 或 2026-11-28T09:00</source>
        <translation>Jump to 09:00 or 2026-11-28T09:00</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="108" />
        <source>所选案件下一事件</source>
        <translation>Next event of selected case</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="110" />
        <source>循环区间</source>
        <translation>Loop range</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="112" />
        <source>跟随所选</source>
        <translation>Follow selected</translation>
    </message>
    <message>
        <location filename="../../widgets/replay/timeline.py" line="146" />
        <source>⏸ 暂停</source>
        <translation>⏸ Pause</translation>
    </message>
</context>
<context>
    <name>UserForm</name>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="43" />
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="45" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="54" />
        <source>岗位</source>
        <translation>Roles</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="60" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../widgets/security/admin_dialog.py" line="61" />
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
</context>
<context>
    <name>VideoWall</name>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="105" />
        <source>视频墙</source>
        <translation>Video wall</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="135" />
        <source>实时</source>
        <translation>Live</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="136" />
        <source>同步回放</source>
        <translation>Synchronised playback</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="143" />
        <source> 秒</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="144" />
        <source>载入录像</source>
        <translation>Load recordings</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="145" />
        <location filename="../../widgets/video/video_wall.py" line="324" />
        <source>播放</source>
        <translation>Play</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="155" />
        <source>开始</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="155" />
        <source>时长</source>
        <translation>Length</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="163" />
        <source>布局</source>
        <translation>Layout</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="165" />
        <source>模式</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="265" />
        <location filename="../../widgets/video/video_wall.py" line="267" />
        <source>（空）</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="273" />
        <source>没有录像来源</source>
        <translation>No recording source</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_wall.py" line="318" />
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
</context>
<context>
    <name>WorkroomPanel</name>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="33" />
        <source>社区工作室</source>
        <translation>Workrooms</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="43" />
        <source>筛选：编号、名称、街道、联系人</source>
        <translation>Filter: id, name, subdistrict, contact</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="45" />
        <source>编号</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="45" />
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="45" />
        <source>街道</source>
        <translation>Subdistrict</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="45" />
        <location filename="../../widgets/collab/workroom_panel.py" line="123" />
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="45" />
        <location filename="../../widgets/collab/workroom_panel.py" line="123" />
        <source>开放时间</source>
        <translation>Opening hours</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="46" />
        <location filename="../../widgets/collab/workroom_panel.py" line="124" />
        <source>诉件</source>
        <translation>Complaints</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="46" />
        <location filename="../../widgets/collab/workroom_panel.py" line="124" />
        <source>在办</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="70" />
        <source>选择一个社区工作室</source>
        <translation>Select a workroom</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="76" />
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="76" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="76" />
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="76" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="123" />
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="124" />
        <source>已结案</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="125" />
        <source>按期结案率</source>
        <translation>On-time closure</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="125" />
        <source>近7天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="125" />
        <source>近30天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workroom_panel.py" line="125" />
        <source>主要问题</source>
        <translation>Main issues</translation>
    </message>
</context>
<context>
    <name>WorkstationView</name>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="47" />
        <source>城运工作站 · 华阳路街道</source>
        <translation>Workstations · Huayang Road</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="60" />
        <location filename="../../widgets/collab/workstation_view.py" line="62" />
        <source>传感器</source>
        <translation>Sensor</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="60" />
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="60" />
        <source>当前读数</source>
        <translation>Reading</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="60" />
        <source>阈值</source>
        <translation>Threshold</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="61" />
        <location filename="../../widgets/collab/workstation_view.py" line="62" />
        <location filename="../../widgets/collab/workstation_view.py" line="65" />
        <location filename="../../widgets/collab/workstation_view.py" line="66" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="61" />
        <source>读数时间</source>
        <translation>Read at</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="62" />
        <source>工单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="62" />
        <source>层级</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="62" />
        <source>生成</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="63" />
        <source>升级时限/升级至</source>
        <translation>Escalates at / to</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="63" />
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="65" />
        <source>队员</source>
        <translation>Officer</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="65" />
        <source>岗位</source>
        <translation>Roles</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="66" />
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="67" />
        <source>就地办结所选工单…</source>
        <translation>Close selected order locally…</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="73" />
        <source>居委工作站</source>
        <translation>Committee workstation</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="76" />
        <source>物联感知</source>
        <translation>IoT sensors</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="77" />
        <source>在岗人员</source>
        <translation>Staff on duty</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="80" />
        <source>工单（先由工作站就地处置，超时升级至中队）</source>
        <translation>Work orders (handled locally first, escalated to the squad when late)</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="81" />
        <source>周边摄像头</source>
        <translation>Cameras nearby</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="117" />
        <source>%1 · 传感器 %2 个（报警 %3）· 在办工单 %4（已升级 %5）· 在岗 %6 人 · 摄像头 %7 路</source>
        <translation>%1 · %2 sensors (%3 in alarm) · %4 open orders (%5 escalated) · %6 staff on duty · %7 cameras</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="124" />
        <source>报警</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="124" />
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="127" />
        <source>在办</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="127" />
        <source>已办结</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="163" />
        <source>先选择一条工单</source>
        <translation>Select an order first</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="166" />
        <source>就地办结</source>
        <translation>Close locally</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/workstation_view.py" line="166" />
        <source>处理情况：</source>
        <translation>What was done:</translation>
    </message>
</context>
<context>
    <name>domain</name>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="6" />
        <source>待受理</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="7" />
        <source>待核实</source>
        <translation>To verify</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="8" />
        <source>待立案</source>
        <translation>To file</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="9" />
        <source>待派遣</source>
        <translation>To dispatch</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="10" />
        <source>待处置</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="11" />
        <source>处置中</source>
        <translation>Handling</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="12" />
        <source>待核查</source>
        <translation>To check</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="13" />
        <source>待结案</source>
        <translation>To close</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="14" />
        <source>法制审核</source>
        <translation>Legal review</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="15" />
        <source>已结案</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="16" />
        <source>已作废</source>
        <translation>Voided</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="17" />
        <source>挂账</source>
        <translation>Hung</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="18" />
        <source>12345热线</source>
        <translation>12345 hotline</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="19" />
        <source>城运派单</source>
        <translation>City platform</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="20" />
        <source>社区工作室</source>
        <translation>Workrooms</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="21" />
        <source>智能视频</source>
        <translation>AI camera</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="22" />
        <source>巡查上报</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="23" />
        <source>物联感知</source>
        <translation>IoT sensors</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="24" />
        <source>督察发现</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="25" />
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="26" />
        <source>受理员</source>
        <translation>Call-taker</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="27" />
        <source>值班长</source>
        <translation>Shift leader</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="28" />
        <source>派遣员</source>
        <translation>Dispatcher</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="29" />
        <source>监督员</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="30" />
        <source>处置单位</source>
        <translation>Handling unit</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="31" />
        <source>督察</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="32" />
        <source>培训员</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="33" />
        <source>管理员</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="34" />
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="35" />
        <source>紧急</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="36" />
        <source>A级</source>
        <translation>A</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="37" />
        <source>B级</source>
        <translation>B</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="38" />
        <source>C级</source>
        <translation>C</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="39" />
        <source>受理</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="40" />
        <source>不予受理</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="41" />
        <source>核实属实</source>
        <translation>Verify</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="42" />
        <source>立案</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="43" />
        <source>作废/不予立案</source>
        <translation>Void</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="44" />
        <source>派遣</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="45" />
        <source>改派</source>
        <translation>Reassign</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="46" />
        <source>签收</source>
        <translation>Receive</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="47" />
        <source>处理反馈</source>
        <translation>Report back</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="48" />
        <source>核查通过</source>
        <translation>Check OK</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="49" />
        <source>返工</source>
        <translation>Rework</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="50" />
        <source>提交法制审核</source>
        <translation>Submit legal review</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="51" />
        <source>法制审核通过</source>
        <translation>Legal approve</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="52" />
        <source>法制审核退回</source>
        <translation>Legal return</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="53" />
        <source>结案</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="54" />
        <source>回退</source>
        <translation>Return</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="55" />
        <source>申请延期</source>
        <translation>Request extension</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="56" />
        <source>批准延期</source>
        <translation>Approve extension</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="57" />
        <source>驳回延期</source>
        <translation>Reject extension</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="58" />
        <source>申请挂账</source>
        <translation>Request hang</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="59" />
        <source>批准挂账</source>
        <translation>Approve hang</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="60" />
        <source>驳回挂账</source>
        <translation>Reject hang</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="61" />
        <source>解除挂账</source>
        <translation>Unhang</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="62" />
        <source>督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="63" />
        <source>超时申诉</source>
        <translation>Overdue appeal</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="64" />
        <source>批准申诉</source>
        <translation>Approve appeal</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="65" />
        <source>驳回申诉</source>
        <translation>Reject appeal</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="66" />
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="67" />
        <source>在岗空闲</source>
        <translation>Idle</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="68" />
        <source>赶赴现场</source>
        <translation>En route</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="69" />
        <source>到达现场</source>
        <translation>On scene</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="70" />
        <source>下班</source>
        <translation>Off duty</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="71" />
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="72" />
        <source>休息</source>
        <translation>Break</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="73" />
        <source>队员</source>
        <translation>Officer</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="74" />
        <source>队长</source>
        <translation>Leader</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="75" />
        <source>中队</source>
        <translation>Squad</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="76" />
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="77" />
        <source>传感器</source>
        <translation>Sensor</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="78" />
        <source>城运工作站</source>
        <translation>Workstations</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="79" />
        <source>责任网格</source>
        <translation>Duty grid</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="80" />
        <source>提及</source>
        <translation>Mention</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="81" />
        <source>移交</source>
        <translation>Handoff</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="82" />
        <source>通知</source>
        <translation>Notice</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="83" />
        <source>工作站工单</source>
        <translation>Workstation order</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="84" />
        <source>长时间无人巡查</source>
        <translation>unvisited too long</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="85" />
        <source>恢复巡查</source>
        <translation>visited again</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="86" />
        <source>签到</source>
        <translation>signed in</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="87" />
        <source>签退</source>
        <translation>signed out</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="88" />
        <source>新建</source>
        <translation>Created</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="89" />
        <source>更新</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="90" />
        <source>状态变更</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="91" />
        <source>位置更新</source>
        <translation>Position</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="92" />
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="93" />
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="94" />
        <source>街道</source>
        <translation>Subdistrict</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="95" />
        <source>社区</source>
        <translation>Community</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="96" />
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="97" />
        <source>地铁站</source>
        <translation>Metro station</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="98" />
        <source>地标</source>
        <translation>Landmark</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="99" />
        <source>添加备注</source>
        <translation>note added</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="100" />
        <source>回复</source>
        <translation>replied</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="101" />
        <source>已读</source>
        <translation>read</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="102" />
        <source>申请移交</source>
        <translation>Request handoff</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="103" />
        <source>接收移交</source>
        <translation>Accept handoff</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="104" />
        <source>拒收移交</source>
        <translation>Decline handoff</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="105" />
        <source>发布通知</source>
        <translation>Post notice</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="106" />
        <source>撤回通知</source>
        <translation>notice withdrawn</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="107" />
        <source>生成工单</source>
        <translation>order opened</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="108" />
        <source>升级至中队</source>
        <translation>escalated to the squad</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="109" />
        <source>办结</source>
        <translation>closed</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="110" />
        <source>传感器恢复</source>
        <translation>sensor cleared</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="111" />
        <source>导入</source>
        <translation>imported</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="112" />
        <source>报警</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="113" />
        <source>恢复正常</source>
        <translation>back to normal</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="114" />
        <source>连接数据库…</source>
        <translation>Connecting to the database…</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="115" />
        <source>升级数据库结构…</source>
        <translation>Upgrading the schema…</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="116" />
        <source>首次运行：生成长宁区演示数据…</source>
        <translation>First run: building the Changning demo world…</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="117" />
        <source>加载地理底图…</source>
        <translation>Loading the geography…</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="118" />
        <source>加载案件与队员…</source>
        <translation>Loading cases and officers…</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="119" />
        <source>加载完成</source>
        <translation>Loaded</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="120" />
        <source>公用设施</source>
        <translation>Public facilities</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="121" />
        <source>其他设施</source>
        <translation>Other facilities</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="122" />
        <source>园林绿化</source>
        <translation>Landscaping</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="123" />
        <source>宣传广告</source>
        <translation>Advertising</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="124" />
        <source>市容环境</source>
        <translation>City appearance</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="125" />
        <source>房屋土地</source>
        <translation>Buildings and land</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="126" />
        <source>施工管理</source>
        <translation>Construction</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="127" />
        <source>突发事件</source>
        <translation>Emergencies</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="128" />
        <source>街面秩序</source>
        <translation>Street order</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="129" />
        <source>道路交通</source>
        <translation>Roads and traffic</translation>
    </message>
    <message>
        <location filename="../../widgets/evidence_list.py" line="17" />
        <source>取证</source>
        <translation>Evidence captured</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../widgets/labels.py" line="120" />
        <source>超期 %1</source>
        <translation>overdue %1</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="135" />
        <source>%1 新案件 %2：%3（%4）%5</source>
        <translation>%1 new case %2: %3 (%4) %5</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="137" />
        <source>%1 %2 对案件 %3 执行“%4”</source>
        <translation>%1 %2: “%4” on case %3</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="143" />
        <source>，原因：%1</source>
        <translation>; reason: %1</translation>
    </message>
</context>
<context>
    <name>layers</name>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="130" />
        <source>周边区</source>
        <translation>Neighbouring districts</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="131" />
        <source>长宁区</source>
        <translation>Changning District</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="132" />
        <source>单元网格</source>
        <translation>Unit grids</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="133" />
        <source>社区</source>
        <translation>Community</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="134" />
        <source>道路</source>
        <translation>Roads</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="135" />
        <source>地铁线路</source>
        <translation>Metro lines</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="136" />
        <source>街道（镇）</source>
        <translation>Subdistricts</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="137" />
        <source>社区工作室</source>
        <translation>Workrooms</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="138" />
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="139" />
        <source>物联传感器</source>
        <translation>IoT sensors</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="140" />
        <source>已结案件</source>
        <translation>Closed cases</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="141" />
        <source>在办案件</source>
        <translation>Open cases</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="142" />
        <source>执法队员</source>
        <translation>Officers</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="143" />
        <source>地铁站</source>
        <translation>Metro station</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="144" />
        <source>责任网格</source>
        <translation>Duty grid</translation>
    </message>
    <message>
        <location filename="../../widgets/_domain_strings.py" line="145" />
        <source>水系</source>
        <translation>Water</translation>
    </message>
</context>
<context>
    <name>map</name>
    <message>
        <location filename="../../maps/basemap.py" line="134" />
        <source>街道、社区、网格边界为示意划分，非官方边界</source>
        <translation>Subdistrict, community and grid boundaries are approximate, not official</translation>
    </message>
    <message>
        <location filename="../../maps/canvas.py" line="440" />
        <source>注：%1</source>
        <translation>Note: %1</translation>
    </message>
    <message>
        <location filename="../../maps/canvas.py" line="445" />
        <source>经度 %1°  纬度 %2°</source>
        <translation>Lon %1°  Lat %2°</translation>
    </message>
    <message>
        <location filename="../../maps/layer_base.py" line="115" />
        <source>，其中 %1 个超期/告警</source>
        <translation>, %1 overdue/alerting</translation>
    </message>
    <message>
        <location filename="../../maps/layer_base.py" line="117" />
        <source>%1：%2 个%3（点击放大）</source>
        <translation>%1: %2%3 (click to zoom in)</translation>
    </message>
    <message>
        <location filename="../../maps/overlays.py" line="43" />
        <source>%1 米</source>
        <translation>%1 m</translation>
    </message>
    <message>
        <location filename="../../maps/overlays.py" line="44" />
        <source>%1 公里</source>
        <translation>%1 km</translation>
    </message>
    <message>
        <location filename="../../maps/overlays.py" line="101" />
        <source>北</source>
        <translation>N</translation>
    </message>
</context>
<context>
    <name>self.window</name>
    <message>
        <location filename="../../widgets/collab/hook.py" line="147" />
        <source>我的提及</source>
        <translation>My mentions</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="148" />
        <source>没有未读的提及</source>
        <translation>No unread mentions</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="155" />
        <location filename="../../widgets/collab/hook.py" line="158" />
        <location filename="../../widgets/collab/hook.py" line="164" />
        <source>发布通知</source>
        <translation>Post notice</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="156" />
        <source>当前岗位无权发布全员通知</source>
        <translation>Your post may not post notices to all seats</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="158" />
        <source>通知内容（全体席位可见）：</source>
        <translation>Notice (shown on every seat):</translation>
    </message>
    <message>
        <location filename="../../widgets/security/hook.py" line="91" />
        <source>数据库连接中断：“%1”（%2）已存入本地发件箱，恢复后按顺序提交</source>
        <translation>Database connection lost: "%1" (%2) is queued locally and will be applied in order when it returns</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../widgets/replay/clips.py" line="61" />
        <source>录像 %1 @ %2</source>
        <translation>Clip %1 @ %2</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_ui.py" line="102" />
        <source>视频墙</source>
        <translation>Video wall</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_ui.py" line="104" />
        <source>打开视频墙（2×2 / 3×3，实时或同步回放）</source>
        <translation>Open the video wall (2×2 / 3×3, live or synchronised playback)</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="37" />
        <source>协同办公</source>
        <translation>Collaboration</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="43" />
        <source>交接班摘要</source>
        <translation>Shift handover</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="44" />
        <source>社区工作室</source>
        <translation>Workrooms</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="45" />
        <source>城运工作站</source>
        <translation>Workstations</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="46" />
        <source>我的提及</source>
        <translation>My mentions</translation>
    </message>
    <message>
        <location filename="../../widgets/collab/hook.py" line="47" />
        <source>发布通知…</source>
        <translation>Post notice…</translation>
    </message>
    <message>
        <location filename="../../widgets/security/hook.py" line="40" />
        <location filename="../../widgets/security/hook.py" line="54" />
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../widgets/security/hook.py" line="42" />
        <source>用户管理…</source>
        <translation>User management…</translation>
    </message>
    <message>
        <location filename="../../widgets/security/hook.py" line="47" />
        <source>锁定屏幕</source>
        <translation>Lock screen</translation>
    </message>
</context>
</TS>