#include "delivery/MailMessage.hpp"

#include <gtest/gtest.h>

#include "delivery/SmtpChannel.hpp"

namespace roomgate::delivery {
namespace {

TEST(MailMessage, PlainTextUtf8WithCrlfAndTheHeadersMailersExpect) {
  const std::string m =
      buildMail({"rooms@example.com", "ema@example.com", "Your roomgate code",
                 "Your code for Café is 123456.\nIt expires in 10 minutes.", 1700000000, "VE1.1700000000"});
  EXPECT_EQ(m,
            "From: rooms@example.com\r\n"
            "To: ema@example.com\r\n"
            "Subject: Your roomgate code\r\n"
            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            "Message-ID: <VE1.1700000000@example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n"
            "Auto-Submitted: auto-generated\r\n"
            "\r\n"
            "Your code for Café is 123456.\r\n"
            "It expires in 10 minutes.\r\n");
}

TEST(MailMessage, NonAsciiSubjectsAreEncodedAndHeadersNeverSpanLines) {
  const std::string m = buildMail({"a@b.c", "d@e.f", "Zoë\r\nBcc: x@y.z", "x", 0, "1"});
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(buildMail({"a@b.c", "d@e.f", "a\nBcc: x@y.z", "x", 0, "1"}).find("\r\nBcc:"), std::string::npos);
}

TEST(SmtpChannel, OnlyLoopbackRelaysMaySkipTls) {
  EXPECT_TRUE(isLoopbackUrl("smtp://127.0.0.1:2525"));
  EXPECT_TRUE(isLoopbackUrl("smtp://localhost"));
  EXPECT_TRUE(isLoopbackUrl("smtp://[::1]:25"));
  EXPECT_FALSE(isLoopbackUrl("smtp://mail.example.com:587"));
  EXPECT_FALSE(isLoopbackUrl("smtp://127.0.0.1.example.com:587"));
  EXPECT_FALSE(isLoopbackUrl("smtp://localhost.example.com"));
}

}  // namespace
}  // namespace roomgate::delivery
