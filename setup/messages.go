package setup

import "github.com/mailprofile/mailprofile"

// messages is every text of the pages in one language. Each language has
// its own file (messages_ja.go, messages_en.go); templates only place
// them. Texts with %s take values in order, as fmt does.
type messages struct {
	Lang     string // "ja", "en"
	LangName string // the language's own name, for the switch

	Title         string // %s: the address
	TitleAsk      string
	AskLabel      string
	AskButton     string
	AskHint       string
	IndexTitle    string // %s: the organisation
	IndexIntro    string
	IndexAddress  string
	IndexName     string
	SwitchTo      string // "日本語", "English": the other language's name, shown as the switch
	ForAddress    string // %s: the address
	WhatHappening string
	MovingNow     string // %s: the new set's label
	KeepOld       string // %s: the old set's label
	KeepOldUntil  string // %s: the old set's label, %s: the date
	AddNewNow     string
	SingleIntro   string // %s: the set's label

	Apple          string
	AppleButton    string
	AppleQR        string
	AppleSteps     []string
	AppleNoLink    string
	AppleSigned    string
	AppleNotSigned string
	AppleBrowser   string

	Thunderbird      string
	ThunderbirdFile  string // %s: the domain
	ThunderbirdSteps []string

	Outlook        string
	OutlookCaveat  string
	OutlookClassic []string
	OutlookNew     []string
	OutlookMac     []string

	Other        string
	OtherIntro   string
	Incoming     string
	Outgoing     string
	Server       string
	Port         string
	Security     string
	Username     string
	Password     string
	PasswordText string
	Auth         string
	Protocol     string
	AuthNames    map[mailprofile.Auth]string

	Existing      string
	ExistingIntro string // %s: the old set's label
	ExistingSteps []string
	IPWarning     string // %s: the IP address

	After     string
	AfterText string // %s: the date, or NoDate
	NoDate    string

	Footer string // %s: the organisation
}

// messagesFor returns the messages of lang, English when unknown.
func messagesFor(lang string) *messages {
	if lang == "ja" {
		return &ja
	}
	return &en
}

// languages are the languages pages come in, the default first.
var languages = []string{"ja", "en"}
