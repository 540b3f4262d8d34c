; Windows (NSIS): registers Mua Mail as a mail program that can open mailto: links, so it is offered
; in Settings > Default apps. It does not make itself the default; the person chooses. electron-builder
; includes this file (nsis.include in electron-builder.yml); $appExe is the installed executable.
; The link reaches the app as its one argument (main/electron/main.ts reads it; a second start hands
; it to the running app).
!macro customInstall
  WriteRegStr SHCTX "Software\Clients\Mail\Mua Mail" "" "Mua Mail"
  WriteRegStr SHCTX "Software\Clients\Mail\Mua Mail\Capabilities" "ApplicationName" "Mua Mail"
  WriteRegStr SHCTX "Software\Clients\Mail\Mua Mail\Capabilities" "ApplicationDescription" "A desktop mail client"
  WriteRegStr SHCTX "Software\Clients\Mail\Mua Mail\Capabilities\URLAssociations" "mailto" "MuaMail.mailto"
  WriteRegStr SHCTX "Software\RegisteredApplications" "Mua Mail" "Software\Clients\Mail\Mua Mail\Capabilities"
  WriteRegStr SHCTX "Software\Classes\MuaMail.mailto" "" "URL:MailTo Protocol"
  WriteRegStr SHCTX "Software\Classes\MuaMail.mailto" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\MuaMail.mailto\DefaultIcon" "" "$appExe,0"
  WriteRegStr SHCTX "Software\Classes\MuaMail.mailto\shell\open\command" "" '"$appExe" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey SHCTX "Software\Clients\Mail\Mua Mail"
  DeleteRegValue SHCTX "Software\RegisteredApplications" "Mua Mail"
  DeleteRegKey SHCTX "Software\Classes\MuaMail.mailto"
!macroend
