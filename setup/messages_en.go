package setup

import "github.com/mailprofile/mailprofile"

var en = messages{
	Lang:     "en",
	LangName: "English",
	SwitchTo: "日本語",

	Title:        "Mail settings for %s",
	TitleAsk:     "Mail settings",
	AskLabel:     "Your email address",
	AskButton:    "Show my settings",
	AskHint:      "You get the settings for your address: a profile for iPhone, iPad and Mac, and the values for every other mail program.",
	IndexTitle:   "Mail settings sheets — %s",
	IndexIntro:   "One sheet per person. Print each and hand it over; the QR code on it installs the settings on an iPhone.",
	IndexAddress: "Address",
	IndexName:    "Name",
	ForAddress:   "For %s",

	WhatHappening: "What is happening",
	MovingNow:     "Your mail is moving to a new server (%s).",
	KeepOld:       "Keep your current account (%s) until the move is over: mail may still arrive there for a while.",
	KeepOldUntil:  "Keep your current account (%s) until %s: mail may still arrive there until then.",
	AddNewNow:     "Add the new account now, beside the current one, as described below.",
	SingleIntro:   "These are the settings of your mail account (%s).",

	Apple:       "iPhone, iPad and Mac",
	AppleButton: "Install profile",
	AppleQR:     "Or scan this code with the iPhone's Camera:",
	AppleSteps: []string{
		"Open this page in Safari (not in another browser) and tap “Install profile”, or scan the code. Allow the download.",
		"Open Settings. Tap “Profile Downloaded” near the top (on a Mac: System Settings → Privacy & Security → Profiles).",
		"Tap “Install”, enter the device passcode, then “Install” again. Enter your mail password when asked.",
		"Open Mail: the new account appears beside your current one.",
	},
	AppleNoLink:    "Ask for the profile file (.mobileconfig) and open it on the device.",
	AppleNotSigned: "“Not Signed” only means the profile carries no signature; it is expected for this profile.",
	AppleSigned:    "“Verified” means the profile is signed by a certificate the device trusts.",
	AppleBrowser:   "Firefox and in-app browsers only save the file: use Safari.",

	Thunderbird:     "Thunderbird",
	ThunderbirdFile: "Settings file for Thunderbird (save it as isp/%s.xml in Thunderbird's installation folder, then add the account: Thunderbird finds it there first)",
	ThunderbirdSteps: []string{
		"Menu ≡ → Account Settings → Account Actions → Add Mail Account.",
		"Enter your name, the address and the password, then “Configure manually”.",
		"Enter the values of the table below exactly, and “Done”.",
		"For the outgoing server, choose the new server in the list: do not reuse the current account's.",
	},

	Outlook:       "Outlook",
	OutlookCaveat: "Outlook's automatic setup may use other settings than these (it asks Microsoft's own service first): enter the values by hand.",
	OutlookClassic: []string{
		"Outlook (classic): File → Add Account, then “Advanced options” → “Let me set up my account manually”.",
		"Choose IMAP or POP as in the table, then enter the servers, ports and encryption from the table.",
	},
	OutlookNew: []string{
		"New Outlook: Settings → Accounts → Add account, enter the address, then choose IMAP (or POP) and “Show more” to enter the values.",
	},
	OutlookMac: []string{
		"Outlook for Mac: Outlook → Settings → Accounts → + → New Account, enter the address, choose IMAP/POP and enter the values.",
	},

	Other:        "Any other mail program",
	OtherIntro:   "Enter exactly these values. Your password is not shown here.",
	Incoming:     "Incoming mail",
	Outgoing:     "Outgoing mail (SMTP)",
	Server:       "Server",
	Port:         "Port",
	Security:     "Encryption",
	Username:     "User name",
	Password:     "Password",
	PasswordText: "your mail password",
	Auth:         "Authentication",
	AuthNames: map[mailprofile.Auth]string{
		mailprofile.AuthPasswordCleartext: "Normal password",
		mailprofile.AuthPasswordEncrypted: "Encrypted password (CRAM-MD5)",
		mailprofile.AuthOAuth2:            "OAuth2",
		mailprofile.AuthNone:              "None",
	},
	Protocol: "Type",

	Existing:      "Your current account",
	ExistingIntro: "So that your current account keeps working while the domain moves, point it at the current server's own address (%s), not at your domain:",
	ExistingSteps: []string{
		"iPhone and iPad: Settings → Apps → Mail → Mail Accounts → the account → Account: change Host Name under Incoming and Outgoing Mail Server.",
		"Mac: Mail → Settings → Accounts → the account → Server Settings: change both Host Names.",
		"Thunderbird: Account Settings → the account → Server Settings: Server Name; then Outgoing Server (SMTP) → the account's server → Edit.",
		"Outlook (classic): File → Account Settings → Server Settings (or Change): the incoming and the outgoing server. New Outlook and Outlook for Mac: Accounts → the account → Manage.",
		"Change only the server names to the values below; leave everything else as it is.",
	},
	IPWarning: "%s is an IP address: the program may warn that the certificate does not match. That is expected here; accept it for this account only.",

	After:     "After the move",
	AfterText: "After %s, remove the current account (on iPhone and Mac: its profile, under Settings → General → VPN & Device Management). Mail stays in the new account.",
	NoDate:    "the end of the move",

	Footer: "%s — mail settings. Made by mailprofile.",
}
