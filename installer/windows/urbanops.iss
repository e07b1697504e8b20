; Inno Setup 6 script for urbanops on Windows x64 (长宁区城管指挥调度台).
; Input: the PyInstaller folder installer\dist\urbanops\ from installer\urbanops-windows.spec.
; Build: iscc installer\windows\urbanops.iss   (or /DAppVersion=0.1.0 to override the version)
; Output: installer\dist\urbanops-setup-<version>.exe
; Not built in CI (Linux only); see installer\windows\README.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "urbanops"
#define AppNameZh "长宁区城管指挥调度台"

[Setup]
AppId={{6F1C2B0E-6C0B-4B59-9B7A-3E1F0C2D5A11}
AppName={#AppNameZh}
AppVersion={#AppVersion}
AppPublisher=长宁区城市管理行政执法局
DefaultDirName={autopf}\urbanops
DefaultGroupName={#AppNameZh}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=urbanops-setup-{#AppVersion}
SetupIconFile=..\icons\urbanops.ico
UninstallDisplayIcon={app}\urbanops-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "addtopath"; Description: "将 urbanops 命令加入 PATH / Add the urbanops command to PATH"; Flags: unchecked

[Files]
Source: "..\dist\urbanops\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppNameZh}"; Filename: "{app}\urbanops-gui.exe"; Parameters: "demo"; IconFilename: "{app}\urbanops-gui.exe"
Name: "{group}\{#AppNameZh} (English)"; Filename: "{app}\urbanops-gui.exe"; Parameters: "demo --lang en"
Name: "{group}\{cm:UninstallProgram,{#AppNameZh}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppNameZh}"; Filename: "{app}\urbanops-gui.exe"; Parameters: "demo"; Tasks: desktopicon

[Registry]
; PATH for the command line (all users when installed as administrator, else the current user).
Root: HKA; Subkey: "{code:EnvKey}"; ValueType: expandsz; ValueName: "Path"; \
  ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\urbanops-gui.exe"; Parameters: "demo"; Description: "{cm:LaunchProgram,{#AppNameZh}}"; \
  Flags: nowait postinstall skipifsilent

[Code]
function EnvKey(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

function NeedsAddPath(Dir: String): Boolean;
var
  Current: String;
begin
  if not RegQueryStringValue(HKA, EnvKey(''), 'Path', Current) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;
